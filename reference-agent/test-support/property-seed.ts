import { propertySeed as readSeed } from '@lanet/contracts/arbitraries';

/**
 * Seeds for property tests: the contracts' LANET_SEED rule (replay a failing run, else a fresh seed), printed with a
 * label so a failure is reproduced with `LANET_SEED=<seed> npx vitest run reference-agent`.
 */
export function propertySeed(label: string): number {
  const seed = readSeed();
  process.stderr.write(`[${label}] property seed ${seed} (replay with LANET_SEED=${seed})\n`);
  return seed;
}
