import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** The young generation the simulator runs with, per semi-space in MiB (node's default is 16). */
export const SEMI_SPACE_MB = 64;

/** Set in the re-spawned process so it never spawns again. */
const RESPAWNED = 'LANET_SIMULATE_RESPAWNED';

/** Whether this process already has a semi-space size of its own choosing (a flag, NODE_OPTIONS, or our re-spawn). */
export function hasSemiSpaceFlag(execArgv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  const given = (a: string) => a.startsWith('--max-semi-space-size');
  return env[RESPAWNED] === '1' || execArgv.some(given) || (env.NODE_OPTIONS ?? '').split(/\s+/).some(given);
}

/**
 * Runs this same command again in a child node with a 64 MiB semi-space, and resolves with its exit code; resolves
 * undefined (run here) when the process already chose a size. Why: a send lives ~10-200 ms (512 in flight), long
 * enough to survive two scavenges of node's default 16 MiB semi-space at 2,000 heartbeats/s, so its objects were
 * promoted and piled up as old-space garbage between full collections. `lanet simulate --agents 2000 --time-scale 300
 * --duration 10m` went from 244 MB RSS at one minute to 379-398 MB from the second minute on, with its live heap at
 * 73-95 MB; with the larger semi-space, 293 / 306 / 320 MB at 1 / 2 / 3 minutes and half the GC time (issue 13).
 * The flag cannot be changed once V8 has built its heap, hence the child. Signals reach the child; its exit code is ours.
 */
export async function respawnWithYoungGeneration(): Promise<number | undefined> {
  if (hasSemiSpaceFlag(process.execArgv, process.env)) return undefined;
  const child = spawn(process.execPath, [...process.execArgv, `--max-semi-space-size=${SEMI_SPACE_MB}`, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [RESPAWNED]: '1' },
  });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}
