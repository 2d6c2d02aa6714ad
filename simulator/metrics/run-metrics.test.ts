import { describe, expect, it } from 'vitest';
import { RunMetrics, summarizeMs } from './run-metrics.js';

describe('RunMetrics', () => {
  it('percentiles never exceed the max nor fall under the min (issue 11: p99.9=70.335 max=70.282)', () => {
    const m = new RunMetrics();
    for (let k = 0; k < 1000; k++) m.recordDone(0, 70.282, 'accepted');
    const s = summarizeMs(m.latencyUs);
    expect(s.max).toBe(70.282);
    for (const p of [s.p50, s.p90, s.p99, s.p999]) {
      expect(p).toBeLessThanOrEqual(s.max);
      expect(p).toBeGreaterThanOrEqual(s.min);
    }
    expect(m.buckets[0]!.p99Ms).toBeLessThanOrEqual(m.buckets[0]!.maxMs!);
  });

  it('a second with nothing answered is a gap (null latency), not 0 ms; counts there are real zeros', () => {
    const m = new RunMetrics(1000);
    m.recordSend(100, 0);
    m.recordDone(200, 5, 'accepted');
    m.recordSend(2100, 0); // nothing at all in second 1; second 2's send fails
    m.recordDone(2200, 15_000, 'error', 'timeout');
    m.recordSend(3100, 0);
    m.recordDone(3200, 7, 'accepted');
    const b = m.buckets;
    expect(b.map((x) => x.sent)).toEqual([1, 0, 1, 1]);
    expect(b.map((x) => x.p50Ms)).toEqual([5, null, null, 7]);
    expect(b.map((x) => x.errors)).toEqual([0, 0, 1, 0]);
  });

  it('keeps the sends after the start-up interval in a histogram of their own (the start-up burst apart, issue 13)', () => {
    const m = new RunMetrics();
    for (let k = 0; k < 10; k++) m.recordDone(0, 400, 'accepted', undefined, false); // the burst: first beats
    for (let k = 0; k < 90; k++) m.recordDone(1000, 20, 'accepted', undefined, true);
    m.recordDone(1000, 15_000, 'error', 'timeout', true); // errors have no latency, here as in latencyUs
    expect(m.latencyUs.totalCount).toBe(100);
    expect(m.afterStartUpUs.totalCount).toBe(90);
    expect(summarizeMs(m.latencyUs).max).toBe(400);
    expect(summarizeMs(m.afterStartUpUs).max).toBe(20);
  });
});
