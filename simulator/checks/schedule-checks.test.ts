import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '@lanet/reference-agent/scheduler/heartbeat-scheduler';
import type { FleetRunResult, VirtualAgent } from '../engine/fleet-runner.js';
import { VirtualClock } from '../engine/virtual-clock.js';
import { AttemptLog, OUTCOME } from '../metrics/attempt-log.js';
import { RunMetrics } from '../metrics/run-metrics.js';
import { arrivalPeakCheck, backoffCheck, networkRetryCheck } from './recovery-checks.js';
import { scheduleCheck } from './timing-checks.js';

// The checks read a run's attempt log; these runs are written row by row so each rule can be broken on purpose.
function runWith(rows: Array<[agent: number, scheduledS: number, doneS: number, reason: string, outcome: number]>, agents = 1, endS = 10_000): FleetRunResult {
  const log = new AttemptLog();
  for (const [agent, at, done, reason, outcome] of rows) {
    const row = log.add(agent, at * 1000, at * 1000, reason, 300, false, 0);
    log.complete(row, done * 1000, outcome as 0, outcome === OUTCOME.accepted ? 200 : 0);
  }
  const fleet = Array.from({ length: agents }, (_, i) => ({ identity: { index: i, hostname: `h${i}`, hardwareFingerprint: '' }, stopped: false }) as unknown as VirtualAgent);
  return { agents: fleet, metrics: new RunMetrics(), log, clock: new VirtualClock(300), endVirtualMs: endS * 1000, registrationMs: 0, undelivered: [] };
}

const A = OUTCOME.accepted;
const NET = OUTCOME['network-error'];
const SRV = OUTCOME['server-error'];
const policy = resolvePolicy({ intervalS: 300 });

describe('simulator checks', () => {
  it('AG-1 passes sends on the grid (±30 s) and fails one 45 s off its slot', () => {
    const onGrid = runWith([[0, 10, 10.1, 'startup', A], [0, 310, 310.1, 'schedule', A], [0, 639, 639.1, 'schedule', A]]);
    expect(scheduleCheck(onGrid).status).toBe('pass');
    const drifting = runWith([[0, 10, 10.1, 'startup', A], [0, 310, 310.1, 'schedule', A], [0, 655, 655.1, 'schedule', A]]);
    const result = scheduleCheck(drifting);
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/1 scheduled outside ±30 s, worst 45\.0 s/);
  });

  it('AG-2 fails a retry after 20 s and AG-3 fails one sooner than Retry-After', () => {
    expect(networkRetryCheck(runWith([[0, 10, 10, 'startup', NET], [0, 70, 70, 'retry-network', A]]), policy, undefined).status).toBe('pass');
    expect(networkRetryCheck(runWith([[0, 10, 10, 'startup', NET], [0, 30, 30, 'retry-network', A]]), policy, undefined).status).toBe('fail');
    expect(backoffCheck(runWith([[0, 10, 10, 'startup', SRV], [0, 70, 70, 'backoff', SRV], [0, 170, 170, 'backoff', A]]), policy, 60).status).toBe('pass');
    expect(backoffCheck(runWith([[0, 10, 10, 'startup', SRV], [0, 40, 40, 'backoff', A]]), policy, 60).status).toBe('fail');
  });

  it('AG-7 passes a spread fleet and fails a herd arriving in one window', () => {
    const spread = runWith(Array.from({ length: 100 }, (_, i) => [i, 1000 + (i % 10) * 30 + Math.floor(i / 10) * 3, 1001, 'startup', A] as [number, number, number, string, number]), 100, 1400);
    expect(arrivalPeakCheck(spread, 300, 1_000_000, 1_300_000, 'the test').status).toBe('pass');
    const herd = runWith(Array.from({ length: 100 }, (_, i) => [i, 1000 + i * 0.5, 1001, 'startup', A] as [number, number, number, string, number]), 100, 1400);
    const result = arrivalPeakCheck(herd, 300, 1_000_000, 1_300_000, 'the test');
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/peak 100 sends per 150 s window vs steady 50\.0: 2\.00x/);
  });
});
