import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hasSemiSpaceFlag, SEMI_SPACE_MB } from './young-generation.js';

const MODULE = fileURLToPath(new URL('./young-generation.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lanet-young-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A script that re-spawns itself like `lanet simulate`, then prints its node flags and exits with `code`. */
function script(code: number): string {
  const path = join(dir, `respawn-${code}.mjs`);
  writeFileSync(
    path,
    `import { respawnWithYoungGeneration } from ${JSON.stringify(MODULE)};
const respawned = await respawnWithYoungGeneration();
if (respawned !== undefined) process.exitCode = respawned;
else { console.log(JSON.stringify(process.execArgv)); process.exitCode = ${code}; }`,
  );
  return path;
}

describe('the simulator runs with a larger young generation (old-space garbage from sends in flight, issue 13)', () => {
  it('re-spawns once with the semi-space flag, passes the output through and returns the child exit code', () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', script(7)], { encoding: 'utf8', timeout: 30_000 });
    expect(res.status, res.stderr).toBe(7);
    const lines = res.stdout.trim().split('\n');
    expect(lines).toHaveLength(1); // the parent printed nothing of its own, the child did not spawn again
    expect(JSON.parse(lines[0]!)).toContain(`--max-semi-space-size=${SEMI_SPACE_MB}`);
  });

  it('runs in place when the size was chosen already, by flag or NODE_OPTIONS', () => {
    const res = spawnSync(process.execPath, ['--max-semi-space-size=8', '--import', 'tsx', script(0)], { encoding: 'utf8', timeout: 30_000 });
    expect(res.status, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout.trim())).toEqual(['--max-semi-space-size=8', '--import', 'tsx']);
    expect(hasSemiSpaceFlag([], { NODE_OPTIONS: '--max-old-space-size=512 --max-semi-space-size=32' })).toBe(true);
    expect(hasSemiSpaceFlag([], { NODE_OPTIONS: '--max-old-space-size=512' })).toBe(false);
    expect(hasSemiSpaceFlag([], { LANET_SIMULATE_RESPAWNED: '1' })).toBe(true);
  });
});
