import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '@lanet/reference-agent/scheduler/heartbeat-scheduler';
import type { FleetRunResult, VirtualAgent } from '../engine/fleet-runner.js';
import { VirtualClock } from '../engine/virtual-clock.js';
import type { SendOutcome } from '@lanet/reference-agent/scheduler/scheduler-types';
import { RunMetrics } from '../metrics/run-metrics.js';
import { AttemptStats, type AttemptStatsOptions } from './attempt-stats.js';
import { arrivalPeakCheck, backoffCheck, networkRetryCheck } from './recovery-checks.js';
import { scheduleCheck } from './timing-checks.js';
import { ValidationTally } from './validation-tally.js';

const policy = resolvePolicy({ intervalS: 300 });
type Kind = SendOutcome['kind'];

// The checks read the figures AttemptStats folds in while a run goes on; these runs feed it send by send (in each
// agent's order, as the fleet loop does) so each rule can be broken on purpose.
function runWith(
  rows: Array<[agent: number, scheduledS: number, doneS: number, reason: string, outcome: Kind]>,
  agents = 1,
  endS = 10_000,
  options: Partial<AttemptStatsOptions> = {},
): FleetRunResult {
  const stats = new AttemptStats(agents, { policy, ...options });
  for (const [agent, at, done, reason, outcome] of rows) {
    stats.onSend(agent, at * 1000, at * 1000, reason, 300);
    stats.onDone(agent, at * 1000, at * 1000, done * 1000, outcome, 300);
  }
  const fleet = Array.from(
    { length: agents },
    (_, i) => ({ identity: { index: i, hostname: `h${i}`, hardwareFingerprint: '' }, stopped: false }) as unknown as VirtualAgent,
  );
  return {
    agents: fleet,
    metrics: new RunMetrics(),
    stats,
    tally: new ValidationTally(),
    clock: new VirtualClock(300),
    endVirtualMs: endS * 1000,
    registrationMs: 0,
    undelivered: [],
  };
}

const A = 'accepted';
const NET = 'network-error';
const SRV = 'server-error';
const arrivals = { arrivals: { fromMs: 1_000_000, windowMs: 150_000, windows: 2 } };

describe('simulator checks', () => {
  it('AG-1 passes sends on the grid (±30 s) and fails one 45 s off its slot', () => {
    const onGrid = runWith([
      [0, 10, 10.1, 'startup', A],
      [0, 310, 310.1, 'schedule', A],
      [0, 639, 639.1, 'schedule', A],
    ]);
    expect(scheduleCheck(onGrid).status).toBe('pass');
    const drifting = runWith([
      [0, 10, 10.1, 'startup', A],
      [0, 310, 310.1, 'schedule', A],
      [0, 655, 655.1, 'schedule', A],
    ]);
    const result = scheduleCheck(drifting);
    expect(result.status).toBe('fail');
    expect(result.evidence).toMatch(/1 scheduled outside ±30 s, worst 45\.0 s/);
  });

  it('AG-2 fails a retry after 20 s and AG-3 fails one sooner than Retry-After', () => {
    expect(
      networkRetryCheck(
        runWith([
          [0, 10, 10, 'startup', NET],
          [0, 70, 70, 'retry-network', A],
        ]),
        policy,
        undefined,
      ).status,
    ).toBe('pass');
    expect(
      networkRetryCheck(
        runWith([
          [0, 10, 10, 'startup', NET],
          [0, 30, 30, 'retry-network', A],
        ]),
        policy,
        undefined,
      ).status,
    ).toBe('fail');
    expect(
      backoffCheck(
        runWith(
          [
            [0, 10, 10, 'startup', SRV],
            [0, 70, 70, 'backoff', SRV],
            [0, 170, 170, 'backoff', A],
          ],
          1,
          10_000,
          { retryAfterS: 60 },
        ),
        policy,
        60,
      ).status,
    ).toBe('pass');
    expect(
      backoffCheck(
        runWith(
          [
            [0, 10, 10, 'startup', SRV],
            [0, 40, 40, 'backoff', A],
          ],
          1,
          10_000,
          { retryAfterS: 60 },
        ),
        policy,
        60,
      ).status,
    ).toBe('fail');
  });

  it('AG-2 (2026-12-02): a repeated network failure may escalate to AG-3 backoff, but never past its ceiling', () => {
    // failure 1 -> 60 s retry; failure 2 -> 100 s (<= base x 2^1 = 120 s); failure 3 -> 200 s (<= 240 s): escalation.
    const escalating = runWith([
      [0, 10, 10, 'startup', NET],
      [0, 70, 70, 'retry-network', NET],
      [0, 170, 170, 'retry-network', NET],
      [0, 370, 370, 'retry-network', A],
    ]);
    const ok = networkRetryCheck(escalating, policy, undefined);
    expect(ok.status).toBe('pass');
    expect(ok.evidence).toMatch(/2 repeated failures, 2 of their retries escalated/);
    // failure 2 -> 500 s: past min(cap, 60 x 2^1) = 120 s.
    const tooLate = runWith([
      [0, 10, 10, 'startup', NET],
      [0, 70, 70, 'retry-network', NET],
      [0, 570, 570, 'retry-network', A],
    ]);
    expect(networkRetryCheck(tooLate, policy, undefined).status).toBe('fail');
  });

  it('AG-7 passes a spread fleet and fails a herd arriving in one window', () => {
    const spread = runWith(
      Array.from({ length: 100 }, (_, i) => [i, 1000 + (i % 10) * 30 + Math.floor(i / 10) * 3, 1001, 'startup', A] as [number, number, number, string, Kind]),
      100,
      1400,
      arrivals,
    );
    expect(arrivalPeakCheck(spread, 300, 1_000_000, 1_300_000, 'the test').status).toBe('pass');
    const herd = runWith(
      Array.from({ length: 100 }, (_, i) => [i, 1000 + i * 0.5, 1001, 'startup', A] as [number, number, number, string, Kind]),
      100,
      1400,
      arrivals,
    );
    const result = arrivalPeakCheck(herd, 300, 1_000_000, 1_300_000, 'the test');
    expect(result.status).toBe('fail');
    expect(result.evidence).toMatch(/peak 100 sends per 150 s window vs steady 50\.0: 2\.00x/);
  });
});
