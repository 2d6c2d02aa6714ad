/**
 * Seeds for property tests: LANET_SEED replays a failing run, otherwise a fresh seed is drawn and printed so any
 * failure can be reproduced with `LANET_SEED=<seed> npx vitest run reference-agent`.
 */
export function propertySeed(label: string): number {
  const fromEnv = process.env.LANET_SEED;
  const parsed = fromEnv === undefined ? Number.NaN : Number.parseInt(fromEnv, 10);
  const seed = Number.isInteger(parsed) ? parsed : Math.floor(Math.random() * 0x7fffffff);
  process.stderr.write(`[${label}] property seed ${seed} (replay with LANET_SEED=${seed})\n`);
  return seed;
}

/** A small deterministic PRNG (mulberry32) in [0, 1), so a seed replays a whole fleet's random choices. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
