import { HeartbeatScheduler } from './heartbeat-scheduler.js';
import { createRandom } from './seeded-random.js';
import type { SchedulerPolicy } from './scheduler-types.js';

/** A fleet run on the fake clock through a pure network outage (every send in the window fails on the network). */
export interface OutageRun {
  agents: number;
  seed: number;
  /** Protocol seconds the link is down; it goes down two intervals after start-up. */
  outageS: number;
  /** How long after the outage arrivals are counted (protocol seconds). */
  afterS: number;
  /** 'network-error' (refused/reset at once) or 'timeout' (the 15 s timeout passes first). */
  failure: 'network-error' | 'timeout';
  policy?: Partial<SchedulerPolicy>;
}

/** What the run measured, in AG-7's terms. */
export interface OutageFigures {
  /** Arrivals at the target per half-interval window after the link came back. */
  windows: number[];
  /** agents x window / interval: what a steady fleet sends per window. */
  steadyPerWindow: number;
  /** The highest window divided by the steady rate (AG-7 asks for <= 1.5). */
  peakRatio: number;
  /** Seconds from the link coming back to the last agent's first accepted send. */
  slowestRecoveryS: number;
}

const TIMEOUT_MS = 15_000;

/**
 * Runs `agents` independent schedulers (each with its own seeded random source) through a pure network outage and
 * counts the sends that reach the target after it, in windows of half an interval as the simulator's AG-7 check does.
 * Agents never share state, so each is run to the end in turn; only the arrival times are merged.
 */
export function runOutage(run: OutageRun): OutageFigures {
  const probe = new HeartbeatScheduler(run.policy ?? {}, () => 0);
  const intervalMs = probe.intervalS * 1000;
  const cutMs = 2 * intervalMs;
  const restoredMs = cutMs + run.outageS * 1000;
  const endMs = restoredMs + run.afterS * 1000;
  const windowMs = intervalMs / 2;
  const windows = new Array<number>(Math.floor((endMs - restoredMs) / windowMs)).fill(0);
  let slowestMs = 0;
  for (let agent = 0; agent < run.agents; agent += 1) {
    const scheduler = new HeartbeatScheduler(run.policy ?? {}, createRandom(run.seed * 100_003 + agent));
    let decision = scheduler.start(0);
    let recovered = false;
    // Bounded: an agent sends at most once a minute on this fake clock, so this loop ends after endMs.
    for (let steps = 0; decision.atMs < endMs && steps < 100_000; steps += 1) {
      const at = decision.atMs;
      if (at >= cutMs && at < restoredMs) {
        decision = scheduler.onOutcome({ kind: run.failure }, at + (run.failure === 'timeout' ? TIMEOUT_MS : 0));
        continue;
      }
      if (at >= restoredMs) {
        const w = Math.floor((at - restoredMs) / windowMs);
        if (w < windows.length) windows[w]! += 1;
        if (!recovered) (recovered = true), (slowestMs = Math.max(slowestMs, at - restoredMs));
      }
      decision = scheduler.onOutcome({ kind: 'accepted' }, at);
    }
  }
  const steadyPerWindow = (run.agents * windowMs) / intervalMs;
  return { windows, steadyPerWindow, peakRatio: Math.max(...windows) / steadyPerWindow, slowestRecoveryS: slowestMs / 1000 };
}
