import { spawnSync } from 'node:child_process';
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

describe('spawnReferenceServer', () => {
  it('kills the server when the process that started it exits without stop()', async () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], { encoding: 'utf8', timeout: 60_000 });
    const pid = Number(run.stdout.trim().split('\n').at(-1));
    expect(pid, run.stderr).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(alive(pid)).toBe(false);
  }, 60_000);
});
