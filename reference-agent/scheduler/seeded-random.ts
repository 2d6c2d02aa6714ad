/** A function returning uniform numbers in [0, 1), as the scheduler's `random` parameter expects. */
export type RandomSource = () => number;

/**
 * mulberry32: a small deterministic generator, so a seed replays every jitter and delay the scheduler draws (tests on a
 * fake clock, and the simulator's thousands of agents). Ample for jitter; never for secrets.
 */
export function createRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
