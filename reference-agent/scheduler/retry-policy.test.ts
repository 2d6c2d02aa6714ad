import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertySeed } from '../test-support/property-seed.js';
import { HeartbeatScheduler, defaultPolicy, networkRetryBoundsMs } from './heartbeat-scheduler.js';

const S = 1000;
const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);
const unitDouble = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

/** A scheduler started at T0 with no start-up delay, drawing its randomness from `draws` in turn. */
function started(draws: number[] = [0.5]): HeartbeatScheduler {
  let i = 0;
  const scheduler = new HeartbeatScheduler({ startupDelayMaxS: 0 }, () => draws[i++ % draws.length]!);
  scheduler.start(T0);
  return scheduler;
}

describe('retries on network failure and timeout (AG-2, escalating to AG-3)', () => {
  it('AG-2: the first network failure or timeout is retried after 60 s ± 15 s; later failures back off as AG-3 (full jitter, 60 s x 2^k, cap 30 min); a success resumes the grid', () => {
    const seed = propertySeed('AG-2 escalation');
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('network-error' as const, 'timeout' as const), { minLength: 1, maxLength: 20 }),
        fc.array(unitDouble, { minLength: 1, maxLength: 20 }),
        (failures, draws) => {
          let i = 0;
          const scheduler = new HeartbeatScheduler({ startupDelayMaxS: 0 }, () => draws[i++ % draws.length]!);
          scheduler.start(0); // a clock at 0 keeps the float comparison exact to well under 1 ms
          i = 0; // start() drew the AG-7 delay; each retry below draws exactly once
          let now = 15 * S; // the first send timed out or failed after up to 15 s
          for (const [k, kind] of failures.entries()) {
            const d = scheduler.onOutcome({ kind }, now);
            const r = draws[k % draws.length]!;
            expect(d.action).toBe('send');
            const suffix = kind === 'timeout' ? 'timeout' : 'network';
            if (k === 0) {
              expect(d.reason).toBe(`retry-${suffix}`);
              expect(Math.abs(d.atMs - now - (60 + (r * 2 - 1) * 15) * S)).toBeLessThan(0.001);
            } else {
              // The k-th retry in a row waits uniform 0..min(1800 s, 60 s x 2^k): the 60 s retry was step 0.
              expect(d.reason).toBe(`backoff-${suffix}`);
              expect(Math.abs(d.atMs - now - r * Math.min(1800, 60 * 2 ** k) * S)).toBeLessThan(0.001);
            }
            now = d.atMs;
          }
          const resumed = scheduler.onOutcome({ kind: 'accepted' }, now);
          // The next grid slot still ahead: start + n x 300 s, strictly after the successful retry.
          expect(resumed.atMs % (300 * S)).toBe(0);
          expect(resumed.atMs).toBeGreaterThan(now);
          expect(resumed.atMs - now).toBeLessThanOrEqual(300 * S);
          // And the escalation starts over: the next failure gets the plain 60 s ± 15 s retry again.
          const again = scheduler.onOutcome({ kind: 'network-error' }, resumed.atMs);
          expect(again.reason).toBe('retry-network');
          expect(again.atMs - resumed.atMs).toBeGreaterThanOrEqual(45 * S);
          expect(again.atMs - resumed.atMs).toBeLessThanOrEqual(75 * S);
        },
      ),
      { seed, numRuns: 200 },
    );
  });

  it('AG-2: networkRetryBoundsMs states the same windows for a checker (the simulator): 45..75 s, then 0..120 s, 0..240 s, .. 30 min', () => {
    expect([1, 2, 3, 7, 20].map((k) => networkRetryBoundsMs(defaultPolicy, k))).toEqual([
      { lo: 45_000, hi: 75_000 },
      { lo: 0, hi: 120_000 },
      { lo: 0, hi: 240_000 },
      { lo: 0, hi: 1_800_000 },
      { lo: 0, hi: 1_800_000 },
    ]);
    // Every wait the scheduler picks lies in its window.
    const scheduler = started([0.999_999]);
    let now = T0;
    for (let k = 1; k <= 8; k += 1) {
      const d = scheduler.onOutcome({ kind: 'timeout' }, now);
      const { lo, hi } = networkRetryBoundsMs(defaultPolicy, k);
      expect(d.atMs - now).toBeGreaterThanOrEqual(lo);
      expect(d.atMs - now).toBeLessThanOrEqual(hi);
      now = d.atMs;
    }
  });

  it('AG-2: after many failed retries the wait never passes the 30 min cap', () => {
    const scheduler = started([0.999_999]);
    let now = T0;
    let last = 0;
    for (let n = 0; n < 20; n += 1) {
      const d = scheduler.onOutcome({ kind: 'network-error' }, now);
      last = d.atMs - now;
      now = d.atMs;
    }
    expect(last).toBeLessThanOrEqual(1800 * S);
    expect(last).toBeGreaterThan(1799 * S);
  });

  it('AG-2 with AG-3: a network failure after a 503 continues the backoff instead of restarting at 60 s', () => {
    const scheduler = started([0.999_999]);
    scheduler.onOutcome({ kind: 'server-error', status: 503 }, T0);
    const d = scheduler.onOutcome({ kind: 'network-error' }, T0 + 60 * S);
    expect(d.reason).toBe('backoff-network');
    expect(d.atMs - (T0 + 60 * S)).toBeGreaterThan(119 * S);
  });
});

describe('backoff on 5xx, 503 and 429 (AG-3)', () => {
  it('AG-3: full jitter, uniform in 0..min(30 min, 60 s x 2^n)', () => {
    const seed = propertySeed('AG-3 backoff');
    fc.assert(
      fc.property(fc.array(unitDouble, { minLength: 1, maxLength: 12 }), fc.constantFrom(500, 502, 503, 429), (draws, status) => {
        let i = 0;
        const scheduler = new HeartbeatScheduler({ startupDelayMaxS: 0 }, () => draws[i++ % draws.length]!);
        scheduler.start(0); // a clock starting at 0 keeps the float comparison below exact to well under 1 ms
        i = 0; // start() drew the AG-7 delay; each backoff below draws exactly once
        let now = 0;
        for (let n = 0; n < draws.length; n += 1) {
          const d = scheduler.onOutcome({ kind: 'server-error', status }, now);
          const ceilingS = Math.min(1800, 60 * 2 ** n);
          expect(d).toMatchObject({ action: 'send', reason: 'backoff' });
          expect(Math.abs(d.atMs - now - draws[n]! * ceilingS * S)).toBeLessThan(0.001);
          now = d.atMs;
        }
      }),
      { seed, numRuns: 200 },
    );
  });

  it('AG-3: Retry-After is honoured as a minimum, and the cap holds after many failures', () => {
    const scheduler = started([0]);
    expect(scheduler.onOutcome({ kind: 'server-error', status: 503, retryAfterS: 120 }, T0).atMs).toBe(T0 + 120 * S);
    const hi = started([0.999_999]);
    let last = 0;
    for (let n = 0; n < 20; n += 1) last = hi.onOutcome({ kind: 'server-error', status: 500 }, T0).atMs - T0;
    expect(last).toBeLessThanOrEqual(1800 * S);
    expect(last).toBeGreaterThan(1799 * S);
  });

  it('AG-3: a success resets the backoff exponent', () => {
    const scheduler = started([0.999_999]);
    for (let n = 0; n < 6; n += 1) scheduler.onOutcome({ kind: 'server-error', status: 502 }, T0);
    scheduler.onOutcome({ kind: 'accepted' }, T0 + 10 * S);
    const d = scheduler.onOutcome({ kind: 'server-error', status: 502 }, T0 + 300 * S);
    expect(d.atMs - (T0 + 300 * S)).toBeLessThanOrEqual(60 * S);
  });
});

describe('rejection (AG-4) and re-enrolment (AG-6)', () => {
  it('AG-4: a 400 is not retried: the next send waits for the next grid slot', () => {
    const scheduler = started();
    const d = scheduler.onOutcome({ kind: 'rejected', status: 400 }, T0 + 2 * S);
    expect(d).toEqual({ atMs: T0 + 300 * S, action: 'send', reason: 'after-reject', includeRecoveryKeys: false });
    expect(scheduler.onOutcome({ kind: 'rejected', status: 422 }, d.atMs + 1 * S).atMs).toBe(T0 + 600 * S);
  });

  it('AG-6: a 401 registers again at once, then the heartbeat goes with the new token', () => {
    const scheduler = started();
    const reg = scheduler.onOutcome({ kind: 'unauthorized' }, T0 + 1 * S);
    expect(reg).toMatchObject({ atMs: T0 + 1 * S, action: 'register', reason: 'reenroll' });
    const send = scheduler.onOutcome({ kind: 'accepted', nextHeartbeatInS: 300 }, T0 + 2 * S);
    expect(send).toMatchObject({ atMs: T0 + 2 * S, action: 'send', reason: 'after-reenroll' });
    const next = scheduler.onOutcome({ kind: 'accepted' }, T0 + 3 * S);
    expect(next).toMatchObject({ atMs: T0 + 300 * S, action: 'send', reason: 'schedule' });
  });

  it('AG-6: a registration that fails on the network is retried as a registration (AG-2)', () => {
    const scheduler = started([0.5]);
    scheduler.onOutcome({ kind: 'unauthorized' }, T0);
    const retry = scheduler.onOutcome({ kind: 'network-error' }, T0);
    expect(retry).toMatchObject({ atMs: T0 + 60 * S, action: 'register', reason: 'retry-network' });
  });

  it('AG-6: a 401 again right after re-enrolment backs off instead of looping', () => {
    const scheduler = started([0.5]);
    scheduler.onOutcome({ kind: 'unauthorized' }, T0);
    const second = scheduler.onOutcome({ kind: 'unauthorized' }, T0 + 1 * S);
    expect(second).toMatchObject({ action: 'register', reason: 'reenroll-backoff' });
    expect(second.atMs - (T0 + 1 * S)).toBe(30 * S);
    const third = scheduler.onOutcome({ kind: 'unauthorized' }, second.atMs);
    expect(third.atMs - second.atMs).toBe(60 * S);
  });
});

describe('recovery-key escrow (ESC-3)', () => {
  it('ESC-3: keys are left out until the server asks, sent on the next send (and its retries), then left out again', () => {
    const scheduler = started([0.5]);
    const plain = scheduler.onOutcome({ kind: 'accepted' }, T0 + 1 * S);
    expect(plain.includeRecoveryKeys).toBe(false);
    const asked = scheduler.onOutcome({ kind: 'accepted', escrowRequired: true }, plain.atMs + 1 * S);
    expect(asked.includeRecoveryKeys).toBe(true);
    const retried = scheduler.onOutcome({ kind: 'network-error' }, asked.atMs + 15 * S);
    expect(retried.includeRecoveryKeys).toBe(true);
    const done = scheduler.onOutcome({ kind: 'accepted' }, retried.atMs + 1 * S);
    expect(done.includeRecoveryKeys).toBe(false);
  });

  it('ESC-3: a registration never carries keys, and the ask survives re-enrolment', () => {
    const scheduler = started([0.5]);
    scheduler.onOutcome({ kind: 'accepted', escrowRequired: true }, T0 + 1 * S);
    const reg = scheduler.onOutcome({ kind: 'unauthorized' }, T0 + 300 * S);
    expect(reg.includeRecoveryKeys).toBe(false);
    const send = scheduler.onOutcome({ kind: 'accepted' }, T0 + 301 * S);
    expect(send).toMatchObject({ action: 'send', includeRecoveryKeys: true });
  });
});
