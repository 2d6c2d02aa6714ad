import fc from 'fast-check';

/** Rounds to `digits` decimals the way agents print them, and never returns -0 (JSON would lose the sign). */
export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  const rounded = Math.round(value * factor) / factor;
  return rounded === 0 ? 0 : rounded;
}

/** used/total*100 to one decimal, inside 0..100 as HB-3 demands (total 0 counts as 0 %). */
export function percentOf(used: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.max(0, round((used / total) * 100, 1)));
}

/** A usage figure: `used` no more than `total`, `available` the rest, `percent` consistent with both. */
export interface Usage {
  total: number;
  used: number;
  available: number;
  percent: number;
}

/** Splits `total` into used and available at a random fill level (empty and full included). */
export function usageArbitrary(total: number): fc.Arbitrary<Usage> {
  return fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 1000 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 1000) }).map((permille) => {
    const used = Math.min(total, round((total * permille) / 1000, 2));
    return { total, used, available: Math.max(0, round(total - used, 2)), percent: percentOf(used, total) };
  });
}

/** A percentage sample like a CPU counter prints it: one decimal, 0..100, edges included. */
export const percentSampleArbitrary: fc.Arbitrary<number> = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 1000 }).map((n) => n / 10) },
  { weight: 1, arbitrary: fc.constantFrom(0, 100) },
);
