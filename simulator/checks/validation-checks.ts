import type { FleetRunResult } from '../engine/fleet-runner.js';
import { check, type CheckResult } from './check-result.js';

/**
 * HB-2: every valid payload the agents sent was accepted (no 4xx for a valid beat, and every 200 body was a
 * HeartbeatResponse). HB-3: every injected invalid payload got 400 with an `errors` entry at the right JSON Pointer.
 */
export function validationChecks(run: FleetRunResult, expectInvalid: boolean): CheckResult[] {
  const t = run.tally;
  const validSent = run.metrics.accepted + t.validRejected;
  const results: CheckResult[] = [
    check(
      'HB-2',
      'every valid payload accepted',
      validSent === 0 ? 'skip' : t.validRejected === 0 && t.contractViolations === 0,
      validSent === 0
        ? 'no valid heartbeat got an answer: nothing to judge (see errors)'
        : `${run.metrics.accepted} accepted, ${t.validRejected} valid payloads rejected${t.rejectedExamples.length ? ` (e.g. ${t.rejectedExamples.slice(0, 3).join('; ')})` : ''}, ${t.contractViolations} answers outside the contract`,
    ),
  ];
  if (expectInvalid) {
    results.push(
      check(
        'HB-3',
        'every invalid payload rejected at the right path',
        t.invalidTotal === 0 ? 'skip' : t.invalidOk === t.invalidTotal,
        t.invalidTotal === 0
          ? 'no invalid payload was injected and answered: run longer or with more agents'
          : `${t.invalidOk} of ${t.invalidTotal} injected invalid payloads got 400 naming the offending path${t.invalidBad.length ? `; wrong: ${t.invalidBad.join('; ')}` : ''}`,
      ),
    );
  }
  return results;
}
