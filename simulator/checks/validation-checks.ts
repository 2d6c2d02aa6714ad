import type { FleetRunResult } from '../engine/fleet-runner.js';
import { check, type CheckResult } from './check-result.js';

/**
 * HB-2: every valid payload the agents sent was accepted (no 4xx for a valid beat, and every 200 body was a
 * HeartbeatResponse). HB-3: every injected invalid payload got 400 with an `errors` entry at the right JSON Pointer.
 */
export function validationChecks(run: FleetRunResult, expectInvalid: boolean): CheckResult[] {
  let validRejected = 0;
  let violations = 0;
  const rejectedExamples: string[] = [];
  let invalidTotal = 0;
  let invalidOk = 0;
  const invalidBad: string[] = [];
  for (const agent of run.agents) {
    validRejected += agent.validRejected.length;
    violations += agent.contractViolations;
    for (const r of agent.validRejected) if (rejectedExamples.length < 3) rejectedExamples.push(`${r.status} ${r.paths.join(',')}`);
    for (const r of agent.invalidResults) {
      invalidTotal++;
      const pointed = r.paths.some((p) => p === r.pointer || p.startsWith(`${r.pointer}/`));
      if (r.status === 400 && pointed) invalidOk++;
      else if (invalidBad.length < 5) invalidBad.push(`${r.label} (expected 400 at ${r.pointer}, got ${r.status} at [${r.paths.join(', ')}])`);
    }
  }
  const validSent = run.metrics.accepted + validRejected;
  const results: CheckResult[] = [
    check(
      'HB-2',
      'every valid payload accepted',
      'must',
      validSent === 0 ? 'skip' : validRejected === 0 && violations === 0,
      validSent === 0
        ? 'no valid heartbeat got an answer: nothing to judge (see errors)'
        : `${run.metrics.accepted} accepted, ${validRejected} valid payloads rejected${rejectedExamples.length ? ` (e.g. ${rejectedExamples.join('; ')})` : ''}, ${violations} answers outside the contract`,
    ),
  ];
  if (expectInvalid) {
    results.push(
      check(
        'HB-3',
        'every invalid payload rejected at the right path',
        'must',
        invalidTotal === 0 ? 'skip' : invalidOk === invalidTotal,
        invalidTotal === 0
          ? 'no invalid payload was injected and answered: run longer or with more agents'
          : `${invalidOk} of ${invalidTotal} injected invalid payloads got 400 naming the offending path${invalidBad.length ? `; wrong: ${invalidBad.join('; ')}` : ''}`,
      ),
    );
  }
  return results;
}
