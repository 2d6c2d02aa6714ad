import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listChecks } from './conformance-command.js';

const LANET = fileURLToPath(new URL('../../bin/lanet.js', import.meta.url));

function lanet(args: string[], timeout = 90_000) {
  return spawnSync(process.execPath, [LANET, 'conformance', ...args], { encoding: 'utf8', timeout });
}

describe('lanet conformance (the real CLI)', () => {
  it('--list prints every check with requirement ID, level and profile, covering every requirement of the four profiles', () => {
    const r = lanet(['--list']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(listChecks());
    const ids = [
      'GEN-1',
      'GEN-2',
      'GEN-3',
      'GEN-4',
      'GEN-5',
      'GEN-6',
      'GEN-7',
      'GEN-8',
      ...Array.from({ length: 11 }, (_, i) => `HB-${i + 1}`),
      'REG-1',
      'REG-2',
      'REG-3',
      'AUTH-1',
      'AUTH-2',
      'AUTH-3',
      'AUTH-4',
      'AUTH-5',
      'FLT-1',
      'FLT-2',
      'FLT-3',
      'FLT-4',
      'ESC-1',
      'ESC-2',
      'ESC-3',
    ];
    for (const id of ids) expect(r.stdout).toMatch(new RegExp(`^${id}/\\S+\\s+(MUST|SHOULD)\\s+(core|auth|fleet|escrow)`, 'm'));
  });

  it('--list honours --profile: only the claimed profiles, checks needing another profile marked skipped', () => {
    const r = lanet(['--list', '--profile', 'core']);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/^(REG|AUTH|FLT|ESC)-/m);
    expect(r.stdout).toMatch(/^HB-7\/stored-once .*\[SKIPPED: needs the fleet profile, which is not claimed/m);
    expect(r.stdout).toMatch(/^HB-7\/retries-answered +MUST +core +[^[]+$/m);
  });

  it('starts the reference server itself, runs the selected checks and exits 0', () => {
    const r = lanet(['--checks', 'HB-1,REG-1,FLT-3', '--max-examples', '5', '--report-dir', '/tmp/lanet-conformance-smoke']);
    expect(r.stderr).toMatch(/Started the reference server at http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stdout).toMatch(/^HB-1\s+MUST\s+PASS/m);
    expect(r.stdout).toMatch(/Conformant\./);
    expect(r.status).toBe(0);
  }, 90_000);

  it('exits 2 for an unreachable target and for bad arguments', () => {
    expect(lanet(['--target', 'http://127.0.0.1:1', '--profile', 'core']).status).toBe(2);
    const bad = lanet(['--profile', 'core,bogus']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown profile bogus/);
    expect(lanet(['--max-examples', 'many']).status).toBe(2);
  }, 60_000);
});
