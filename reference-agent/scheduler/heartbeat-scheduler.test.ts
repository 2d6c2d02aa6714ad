import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertySeed } from '../test-support/property-seed.js';
import { createRandom } from './seeded-random.js';
import { HeartbeatScheduler, defaultPolicy, resolvePolicy } from './heartbeat-scheduler.js';
import type { SchedulerDecision } from './scheduler-types.js';

const S = 1000;
const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);

describe('HeartbeatScheduler: fixed rate (AG-1) on a fake clock', () => {
  it('AG-1: the n-th send is due at start + n x interval however long collection and sending take', () => {
    const seed = propertySeed('AG-1 fixed rate');
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 45 * S }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (busyMs, startRandom) => {
          const scheduler = new HeartbeatScheduler({}, () => startRandom);
          let decision = scheduler.start(T0);
          const slot0 = decision.atMs;
          expect(slot0 - T0).toBeGreaterThanOrEqual(0);
          for (const [n, busy] of busyMs.entries()) {
            // The agent is busy collecting and sending (the seed's 20-45 s), then reports: the grid does not drift.
            expect(decision.atMs).toBe(slot0 + n * 300 * S);
            decision = scheduler.onOutcome({ kind: 'accepted' }, decision.atMs + busy);
            expect(decision).toMatchObject({ action: 'send', reason: 'schedule', includeRecoveryKeys: false });
          }
        },
      ),
      { seed, numRuns: 200 },
    );
  });

  it('AG-1: a send that overran its interval resumes on the next slot still ahead, never early or shifted', () => {
    const scheduler = new HeartbeatScheduler({ startupDelayMaxS: 0 }, () => 0);
    const first = scheduler.start(T0);
    expect(first).toEqual({ atMs: T0, action: 'send', reason: 'startup', includeRecoveryKeys: false });
    const next = scheduler.onOutcome({ kind: 'accepted' }, T0 + 700 * S);
    expect(next.atMs).toBe(T0 + 900 * S);
  });

  it('AG-1: the seed loop (send, then sleep 300 s after 20-45 s of collection) would drift out of the ±30 s window; this grid does not', () => {
    const scheduler = new HeartbeatScheduler({ startupDelayMaxS: 0 }, () => 0);
    let decision = scheduler.start(T0);
    let seedLoopAt = T0;
    for (let n = 1; n <= 12; n += 1) {
      seedLoopAt += 40 * S + 300 * S;
      decision = scheduler.onOutcome({ kind: 'accepted' }, decision.atMs + 40 * S);
      expect(Math.abs(decision.atMs - (T0 + n * 300 * S))).toBeLessThanOrEqual(0);
    }
    expect(Math.abs(seedLoopAt - (T0 + 12 * 300 * S))).toBeGreaterThan(30 * S);
  });
});

describe('HeartbeatScheduler: start-up spread (AG-7)', () => {
  it('AG-7: the first send waits a uniform delay in 0..startupDelayMaxS', () => {
    expect(new HeartbeatScheduler({}, () => 0).start(T0).atMs).toBe(T0);
    expect(new HeartbeatScheduler({}, () => 0.5).start(T0).atMs).toBe(T0 + 0.5 * defaultPolicy.startupDelayMaxS * S);
    expect(new HeartbeatScheduler({ startupDelayMaxS: 100 }, () => 0.999).start(T0).atMs).toBeCloseTo(T0 + 99.9 * S);
  });

  it('AG-7: a fleet of 2000 restarting together peaks at no more than 1.5x its steady rate', () => {
    const seed = propertySeed('AG-7 fleet restart');
    const random = createRandom(seed);
    const agents = 2000;
    const bucketS = 60;
    const counts = new Map<number, number>();
    for (let i = 0; i < agents; i += 1) {
      const scheduler = new HeartbeatScheduler({}, random);
      const bucket = Math.floor((scheduler.start(T0).atMs - T0) / (bucketS * S));
      counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
    }
    const steadyPerBucket = (agents * bucketS) / defaultPolicy.intervalS;
    const peak = Math.max(...counts.values());
    expect(peak / steadyPerBucket).toBeLessThanOrEqual(1.5);
    // Without the spread the whole fleet lands in one bucket: the check above can fail.
    const unspread = new Set(Array.from({ length: 10 }, () => new HeartbeatScheduler({ startupDelayMaxS: 0 }, random).start(T0).atMs));
    expect(unspread.size).toBe(1);
  });

  it('a custom interval without a start-up delay gets a proportional spread; nonsense policies are refused', () => {
    expect(resolvePolicy({ intervalS: 5 }).startupDelayMaxS).toBe(5);
    expect(resolvePolicy({ intervalS: 5, startupDelayMaxS: 0 }).startupDelayMaxS).toBe(0);
    expect(() => resolvePolicy({ intervalS: 0 })).toThrow(/intervalS/);
    expect(() => resolvePolicy({ retryDelayS: Number.NaN })).toThrow(/retryDelayS/);
  });
});

describe('HeartbeatScheduler: server-steered interval (HB-11)', () => {
  function startedAt0(policy = {}): { scheduler: HeartbeatScheduler; first: SchedulerDecision } {
    const scheduler = new HeartbeatScheduler({ startupDelayMaxS: 0, ...policy }, () => 0);
    return { scheduler, first: scheduler.start(T0) };
  }

  it('HB-11: next_heartbeat_in_s moves the grid to the new interval from the slot just served', () => {
    const { scheduler } = startedAt0();
    const a = scheduler.onOutcome({ kind: 'accepted', nextHeartbeatInS: 600 }, T0 + 3 * S);
    expect(scheduler.intervalS).toBe(600);
    expect(a.atMs).toBe(T0 + 600 * S);
    const b = scheduler.onOutcome({ kind: 'accepted', nextHeartbeatInS: 600 }, a.atMs + 20 * S);
    expect(b.atMs).toBe(T0 + 1200 * S);
  });

  it('HB-11: steering is clamped to 60..3600 s', () => {
    const { scheduler } = startedAt0();
    scheduler.onOutcome({ kind: 'accepted', nextHeartbeatInS: 5 }, T0);
    expect(scheduler.intervalS).toBe(60);
    scheduler.onOutcome({ kind: 'accepted', nextHeartbeatInS: 86_400 }, T0 + 60 * S);
    expect(scheduler.intervalS).toBe(3600);
  });

  it('HB-11: the development override keeps its own interval and ignores steering', () => {
    const { scheduler } = startedAt0({ intervalS: 5, ignoreServerInterval: true });
    const next = scheduler.onOutcome({ kind: 'accepted', nextHeartbeatInS: 300 }, T0 + 1 * S);
    expect(scheduler.intervalS).toBe(5);
    expect(next.atMs).toBe(T0 + 5 * S);
  });
});
