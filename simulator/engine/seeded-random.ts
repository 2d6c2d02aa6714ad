/**
 * Small deterministic random sources: a run seed plus an agent index gives the same numbers on every run, so a
 * seed (and --replay) reproduces a run. mulberry32 is ample for jitter and drift; it is not for secrets.
 */

// The generator is the reference agent's own, so simulated agents draw jitter exactly as real ones do.
export { createRandom, type RandomSource } from '@lanet/reference-agent/scheduler/seeded-random';

/** murmur3's 32-bit finaliser: every input bit flips about half the output bits. */
function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Derives an independent 32-bit seed for one stream (agent index, purpose) from the run seed. The seed is mixed
 * BEFORE the first part joins it, and after each: XOR-ing seed and index first made seed 100 agent 0 the same
 * stream as seed 101 agent 1 (issue 11), so two runs with neighbouring seeds shared identities.
 */
export function deriveSeed(runSeed: number, ...parts: number[]): number {
  let h = mix32(Math.floor(runSeed / 0x100000000) ^ mix32(runSeed ^ 0x9e3779b9));
  for (const part of parts) h = mix32(h ^ mix32((part >>> 0) + 0x7f4a7c15));
  return h;
}

/** A random seed for runs started without --seed; printed so the run can be reproduced. */
export function freshSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}
