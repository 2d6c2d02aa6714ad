import type { SchedulerPolicy } from '@lanet/reference-agent/scheduler/scheduler-types';
import type { FleetRunResult } from '../engine/fleet-runner.js';
import { OUTCOME } from '../metrics/attempt-log.js';
import { check, type CheckResult } from './check-result.js';

// Retry gaps are judged on the scheduler's decisions (the time it set for the next attempt minus the time the
// failure came back), so a loaded machine's event-loop lag cannot fail a correct agent; lag is reported on its own.
const SLACK_MS = 1;

/**
 * AG-2: after a network failure or timeout the next attempt came retryDelay ± jitter later (protocol time), and
 * after the outage every agent delivered within the backoff cap plus jitter of the target coming back.
 */
export function networkRetryCheck(run: FleetRunResult, policy: SchedulerPolicy, restoredAtMs: number | undefined): CheckResult {
  const slack = SLACK_MS;
  const lo = (policy.retryDelayS - policy.retryJitterS) * 1000 - slack;
  const hi = (policy.retryDelayS + policy.retryJitterS) * 1000 + slack;
  let retries = 0;
  let offWindow = 0;
  for (const rows of run.log.rowsByAgent().values()) {
    for (let k = 1; k < rows.length; k++) {
      const prev = rows[k - 1]!;
      const out = run.log.outcome[prev];
      if (out !== OUTCOME['network-error'] && out !== OUTCOME.timeout) continue;
      const gap = run.log.scheduledMs[rows[k]!]! - run.log.doneMs[prev]!;
      retries++;
      if (gap < lo || gap > hi) offWindow++;
    }
  }
  const recovery = restoredAtMs === undefined ? undefined : recoveryFigures(run, restoredAtMs, (policy.backoffCapS + policy.retryJitterS) * 1000 + slack);
  const ok = retries > 0 && offWindow === 0 && (recovery === undefined || recovery.late === 0);
  return check(
    'AG-2',
    'network failures retried after 60 s ± jitter until delivered',
    'must',
    retries === 0 ? 'skip' : ok,
    retries === 0
      ? 'no network failure happened: nothing to judge'
      : `${retries} retries after network failures, ${offWindow} outside ${(lo / 1000).toFixed(0)}..${(hi / 1000).toFixed(0)} s` +
          (recovery ? `; after the outage ${recovery.delivered}/${recovery.agents} agents delivered, slowest after ${(recovery.slowestMs / 1000).toFixed(0)} s, ${recovery.late} later than cap + jitter` : ''),
  );
}

/** AG-3: 5xx/503/429 retries wait uniform 0..min(cap, base × 2^n), never less than Retry-After (protocol time). */
export function backoffCheck(run: FleetRunResult, policy: SchedulerPolicy, retryAfterS: number | undefined): CheckResult {
  const slack = SLACK_MS;
  let retries = 0;
  let tooSoon = 0;
  let tooLate = 0;
  let maxN = 0;
  for (const rows of run.log.rowsByAgent().values()) {
    let n = 0;
    for (let k = 1; k < rows.length; k++) {
      const prev = rows[k - 1]!;
      if (run.log.outcome[prev] !== OUTCOME['server-error']) {
        n = 0;
        continue;
      }
      const gap = run.log.scheduledMs[rows[k]!]! - run.log.doneMs[prev]!;
      const ceiling = Math.min(policy.backoffCapS, policy.backoffBaseS * 2 ** n) * 1000;
      const floor = (retryAfterS ?? 0) * 1000;
      retries++;
      if (gap < floor - slack) tooSoon++;
      if (gap > Math.max(ceiling, floor) + slack) tooLate++;
      n++;
      maxN = Math.max(maxN, n);
    }
  }
  return check(
    'AG-3',
    '5xx backoff: full jitter, cap 30 min, Retry-After honoured',
    'must',
    retries === 0 ? 'skip' : tooSoon === 0 && tooLate === 0,
    retries === 0
      ? 'no 5xx/503/429 happened: nothing to judge'
      : `${retries} backoff retries (up to ${maxN} in a row), ${tooSoon} sooner than Retry-After ${retryAfterS ?? 0} s, ${tooLate} later than min(cap, base x 2^n)`,
  );
}

/**
 * AG-7: after `fromMs` (a fleet restart or the end of an outage) the arrivals at the target, counted in windows of
 * half an interval, peak at no more than 1.5x the steady rate (agents / interval).
 */
export function arrivalPeakCheck(run: FleetRunResult, intervalS: number, fromMs: number, toMs: number, what: string): CheckResult {
  const windowMs = (intervalS * 1000) / 2;
  const steadyPerWindow = (run.agents.filter((a) => !a.stopped).length * windowMs) / (intervalS * 1000);
  const windows = Math.floor((Math.min(toMs, run.endVirtualMs) - fromMs) / windowMs);
  if (windows < 1 || steadyPerWindow <= 0) return check('AG-7', `arrival peak after ${what} <= 1.5x steady`, 'should', 'skip', `the run ended less than half an interval after ${what}: run longer`);
  const counts = new Array<number>(windows).fill(0);
  for (let row = 0; row < run.log.length; row++) {
    const t = run.log.sentMs[row]!;
    if (t < fromMs) continue;
    const w = Math.floor((t - fromMs) / windowMs);
    if (w < windows) counts[w]!++;
  }
  const peak = Math.max(...counts);
  const ratio = peak / steadyPerWindow;
  return check(
    'AG-7',
    `arrival peak after ${what} <= 1.5x steady`,
    'should',
    ratio <= 1.5,
    `peak ${peak} sends per ${(windowMs / 1000).toFixed(0)} s window vs steady ${steadyPerWindow.toFixed(1)}: ${ratio.toFixed(2)}x over ${windows} windows after ${what}`,
  );
}

/** When each agent first got a heartbeat accepted after `restoredAtMs`. */
function recoveryFigures(run: FleetRunResult, restoredAtMs: number, boundMs: number): { agents: number; delivered: number; late: number; slowestMs: number } {
  const firstAfter = new Map<number, number>();
  for (let row = 0; row < run.log.length; row++) {
    if (run.log.outcome[row] !== OUTCOME.accepted || run.log.scheduledMs[row]! < restoredAtMs) continue;
    const a = run.log.agent[row]!;
    const t = run.log.scheduledMs[row]! - restoredAtMs;
    if (!firstAfter.has(a) || firstAfter.get(a)! > t) firstAfter.set(a, t);
  }
  const judged = run.agents.filter((a) => !a.stopped);
  let late = 0;
  let slowest = 0;
  const canJudge = restoredAtMs + boundMs <= run.endVirtualMs;
  for (const agent of judged) {
    const t = firstAfter.get(agent.identity.index);
    if (t === undefined) {
      if (canJudge) late++;
      continue;
    }
    slowest = Math.max(slowest, t);
    if (t > boundMs) late++;
  }
  return { agents: judged.length, delivered: firstAfter.size, late, slowestMs: slowest };
}
