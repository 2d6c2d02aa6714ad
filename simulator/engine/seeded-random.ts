/**
 * Small deterministic random sources: a run seed plus an agent index gives the same numbers on every run, so a
 * seed (and --replay) reproduces a run. mulberry32 is ample for jitter and drift; it is not for secrets.
 */

// The generator is the reference agent's own, so simulated agents draw jitter exactly as real ones do.
export { createRandom, type RandomSource } from '@lanet/reference-agent/scheduler/seeded-random';

/** Derives an independent 32-bit seed for one stream (agent index, purpose) from the run seed (splitmix-style mixing). */
export function deriveSeed(runSeed: number, ...parts: number[]): number {
  let h = (runSeed ^ 0x9e3779b9) >>> 0;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

/** A random seed for runs started without --seed; printed so the run can be reproduced. */
export function freshSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}
