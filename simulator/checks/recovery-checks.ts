import type { SchedulerPolicy } from '@lanet/reference-agent/scheduler/scheduler-types';
import type { FleetRunResult } from '../engine/fleet-runner.js';
import { check, type CheckResult } from './check-result.js';

/**
 * AG-2: after a network failure or timeout the next attempt came retryDelay ± jitter later (protocol time), a
 * repeated failure at most AG-3's backoff ceiling later, and after the outage every agent delivered within the
 * backoff cap plus jitter of the target coming back. The gaps were folded in during the run (AttemptStats).
 */
export function networkRetryCheck(run: FleetRunResult, policy: SchedulerPolicy, restoredAtMs: number | undefined): CheckResult {
  const { retries, offWindow, repeated, escalated } = run.stats.network;
  const lo = policy.retryDelayS - policy.retryJitterS;
  const hi = policy.retryDelayS + policy.retryJitterS;
  const recovery = restoredAtMs === undefined ? undefined : recoveryFigures(run, restoredAtMs, (policy.backoffCapS + policy.retryJitterS) * 1000 + 1);
  const ok = retries > 0 && offWindow === 0 && (recovery === undefined || recovery.late === 0);
  return check(
    'AG-2',
    'network failures retried after 60 s ± jitter, then backed off, until delivered',
    retries === 0 ? 'skip' : ok,
    retries === 0
      ? 'no network failure happened: nothing to judge'
      : `${retries} retries after network failures, ${offWindow} outside ${lo}..${hi} s (first retry) or AG-3's ceiling (repeated); ${repeated} repeated failures, ${escalated} of their retries escalated past the 60 s window` +
          (recovery
            ? `; after the outage ${recovery.delivered}/${recovery.agents} agents delivered, slowest after ${(recovery.slowestMs / 1000).toFixed(0)} s, ${recovery.late} later than cap + jitter`
            : ''),
  );
}

/** AG-3: 5xx/503/429 retries wait uniform 0..min(cap, base × 2^n), never less than Retry-After (protocol time). */
export function backoffCheck(run: FleetRunResult, _policy: SchedulerPolicy, retryAfterS: number | undefined): CheckResult {
  const { retries, tooSoon, tooLate, maxN } = run.stats.backoff;
  return check(
    'AG-3',
    '5xx backoff: full jitter, cap 30 min, Retry-After honoured',
    retries === 0 ? 'skip' : tooSoon === 0 && tooLate === 0,
    retries === 0
      ? 'no 5xx/503/429 happened: nothing to judge'
      : `${retries} backoff retries (up to ${maxN} failures in a row), ${tooSoon} sooner than Retry-After ${retryAfterS ?? 0} s, ${tooLate} later than min(cap, base x 2^n)`,
  );
}

/**
 * AG-7: after `fromMs` (a fleet restart or the end of an outage) the arrivals at the target, counted in windows of
 * half an interval, peak at no more than 1.5x the steady rate (agents / interval). The windows were counted during
 * the run from the start the scenario set (AttemptStats `arrivals`).
 */
export function arrivalPeakCheck(run: FleetRunResult, intervalS: number, fromMs: number, toMs: number, what: string): CheckResult {
  const windowMs = (intervalS * 1000) / 2;
  const steadyPerWindow = (run.agents.filter((a) => !a.stopped).length * windowMs) / (intervalS * 1000);
  const counted = run.stats.options.arrivals;
  const windows = Math.min(run.stats.arrivalCounts.length, Math.floor((Math.min(toMs, run.endVirtualMs) - fromMs) / windowMs));
  if (!counted || counted.fromMs !== fromMs || counted.windowMs !== windowMs) {
    return check(
      'AG-7',
      `arrival peak after ${what} <= 1.5x steady`,
      'skip',
      `arrivals were not counted from ${what} in half-interval windows (a simulator wiring error)`,
    );
  }
  if (windows < 1 || steadyPerWindow <= 0)
    return check('AG-7', `arrival peak after ${what} <= 1.5x steady`, 'skip', `the run ended less than half an interval after ${what}: run longer`);
  const peak = Math.max(...run.stats.arrivalCounts.subarray(0, windows));
  const ratio = peak / steadyPerWindow;
  return check(
    'AG-7',
    `arrival peak after ${what} <= 1.5x steady`,
    ratio <= 1.5,
    `peak ${peak} sends per ${(windowMs / 1000).toFixed(0)} s window vs steady ${steadyPerWindow.toFixed(1)}: ${ratio.toFixed(2)}x over ${windows} windows after ${what}`,
  );
}

/** When each agent first got a heartbeat accepted after `restoredAtMs` (folded in during the run). */
function recoveryFigures(run: FleetRunResult, restoredAtMs: number, boundMs: number): { agents: number; delivered: number; late: number; slowestMs: number } {
  let late = 0;
  let slowest = 0;
  let delivered = 0;
  let judged = 0;
  const canJudge = restoredAtMs + boundMs <= run.endVirtualMs;
  run.agents.forEach((agent, i) => {
    const t = run.stats.firstAfterRestoreMs[i]!;
    if (!Number.isNaN(t)) delivered++;
    if (agent.stopped) return;
    judged++;
    if (Number.isNaN(t)) {
      if (canJudge) late++;
      return;
    }
    slowest = Math.max(slowest, t);
    if (t > boundMs) late++;
  });
  return { agents: judged, delivered, late, slowestMs: slowest };
}
