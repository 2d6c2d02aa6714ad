import { describe, expect, it } from 'vitest';
import { FaultSchedule, parseDuration, parseFaultSchedule, parseFaultStep } from './mock-faults.js';

describe('lanet mock --fault', () => {
  it('parses every step form', () => {
    expect(parseFaultSchedule(['ok,503x2:retry-after=5', 'outage=30s,401,slow=20s,reset x3'.replace(' ', ''), '429'])).toEqual([
      { kind: 'pass', times: 1 },
      { kind: 'status', status: 503, retryAfterS: 5, times: 2 },
      { kind: 'outage', ms: 30_000 },
      { kind: 'unauthorized', times: 1 },
      { kind: 'slow', ms: 20_000, times: 1 },
      { kind: 'reset', times: 3 },
      { kind: 'status', status: 429, times: 1 },
    ]);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('500ms')).toBe(500);
  });

  it('refuses what it cannot replay, saying which forms it accepts', () => {
    for (const bad of ['explode', '200', 'outage', 'ok:retry-after=5', 'slow=soon', '503x0', 'outage=1sx2'])
      expect(() => parseFaultStep(bad), bad).toThrow(/fault step|1 or more|400\.\.599|retry-after goes|duration/);
  });

  it('hands out steps in order, an outage by time, then nothing', () => {
    let now = 0;
    const schedule = new FaultSchedule(parseFaultSchedule(['500x2,outage=10s,401']), () => now);
    expect([schedule.next(), schedule.next()]).toEqual([
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500 },
    ]);
    expect(schedule.next()).toEqual({ kind: 'reset' });
    now = 9_999;
    expect([schedule.duringOutage(), schedule.next()]).toEqual([true, { kind: 'reset' }]);
    now = 10_000;
    expect(schedule.next()).toEqual({ kind: 'unauthorized' });
    expect([schedule.next(), schedule.remaining]).toEqual([{ kind: 'none' }, 0]);
  });
});
