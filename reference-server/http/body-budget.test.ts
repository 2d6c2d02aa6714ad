import { describe, expect, it } from 'vitest';
import { createBodyBudget } from './body-budget.js';

describe('body budget (HB-10, D4)', () => {
  it('charges leases as they grow, refuses growth past the limit without charging it, and gives bytes back once', () => {
    const budget = createBodyBudget(100);
    const a = budget.lease();
    const b = budget.lease();
    expect(a.grow(60)).toBe(true);
    expect(a.grow(40)).toBe(true); // shrinking is a no-op: the lease keeps its 60
    expect(budget.held).toBe(60);
    expect(b.grow(41)).toBe(false); // 60 + 41 > 100
    expect(b.charged).toBe(0);
    expect(b.grow(40)).toBe(true);
    expect(budget.held).toBe(100);
    a.release();
    a.release(); // idempotent
    expect(budget.held).toBe(40);
    expect(a.grow(10)).toBe(false); // a released lease takes nothing more
    b.release();
    expect(budget.held).toBe(0);
  });
});
