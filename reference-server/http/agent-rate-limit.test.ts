import { describe, expect, it } from 'vitest';
import { createAgentRateLimiter } from './agent-rate-limit.js';

describe('per-agent rate limit (HB-10)', () => {
  it("allows a minute's worth at once, then refuses with the seconds until the next token", () => {
    const limiter = createAgentRateLimiter(6); // one token per 10 s
    const answers = Array.from({ length: 8 }, () => limiter.take('a', 0));
    expect(answers.slice(0, 6)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
    expect(answers[6]).toBe(10);
    expect(limiter.take('a', 4_000)).toBe(6); // 0.4 of a token refilled: 6 s to go
    expect(limiter.take('a', 10_000)).toBeUndefined();
    expect(limiter.take('a', 10_001)).toBe(10);
  });

  it('keeps each agent apart: one flooding does not throttle another', () => {
    const limiter = createAgentRateLimiter(2);
    limiter.take('flood', 0);
    limiter.take('flood', 0);
    expect(limiter.take('flood', 0)).toBe(30);
    expect(limiter.take('calm', 0)).toBeUndefined();
  });

  it("never refills past one minute's worth, and 0 turns it off", () => {
    const limiter = createAgentRateLimiter(3);
    for (let i = 0; i < 3; i++) limiter.take('a', 0);
    const afterAnHour = Array.from({ length: 4 }, () => limiter.take('a', 3_600_000));
    expect(afterAnHour.filter((a) => a === undefined)).toHaveLength(3);
    const off = createAgentRateLimiter(0);
    expect(Array.from({ length: 1000 }, () => off.take('a', 0)).every((a) => a === undefined)).toBe(true);
  });
});
