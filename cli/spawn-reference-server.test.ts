import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// A caller that exits without stop() (a timed-out test, Ctrl-C) must not leave its reference server running.
const SCRIPT = `
import { spawnReferenceServer } from '@lanet/cli/spawn-reference-server';
const s = await spawnReferenceServer({ enrollmentSecret: 'orphan-secret-123', adminToken: 'orphan-admin-123' });
console.log(s.process.pid);
process.exit(0);
`;

/** True while a process with this pid exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const ps = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' });
  return !ps.stdout.trim().startsWith('Z');
}

/** Starts SCRIPT's variant that waits instead of exiting, sends it `signal`, and returns the server's pid. */
async function serverPidAfterSignal(signal: NodeJS.Signals): Promise<number> {
  const waiting = SCRIPT.replace('process.exit(0);', 'setInterval(() => undefined, 1000);');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', waiting], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
  return pid;
}

describe('spawnReferenceServer', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'kills the server when the process that started it gets %s',
    async (signal) => {
      const pid = await serverPidAfterSignal(signal);
      expect(pid).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 500));
      expect(alive(pid)).toBe(false);
    },
    60_000,
  );

  it('kills the server when the process that started it exits without stop()', async () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], { encoding: 'utf8', timeout: 60_000 });
    const pid = Number(run.stdout.trim().split('\n').at(-1));
    expect(pid, run.stderr).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(alive(pid)).toBe(false);
  }, 60_000);
});
