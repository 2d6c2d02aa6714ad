import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnReferenceServer } from '@lanet/cli/spawn-reference-server';
import { routes } from '@lanet/contracts/routes';
import type { Profile } from '../checks/check-types.js';
import { runConformance } from '../runner/run-conformance.js';
import { problem, startFaultProxy } from './fault-proxy.js';

// The profile matrix: for each profile set, a backend that implements exactly those profiles (the reference server
// behind a proxy that answers 404 for every route of another profile) passes, no probe reaches a route outside the
// claimed profiles, and no requirement reads PASS while one of its checks was skipped.
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const sink = () => new Writable({ write: (_c, _e, cb) => cb() });

/** The profile of the route a request hits, from the route table (undefined for unknown paths and operations routes). */
function profileOf(method: string, path: string): string | undefined {
  const bare = path.split('?')[0]!;
  const route = routes.find((r) => r.method === method.toLowerCase() && new RegExp(`^${r.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(bare));
  return route?.profile;
}

const sets: Profile[][] = [['core'], ['core', 'auth'], ['core', 'auth', 'fleet'], ['core', 'auth', 'fleet', 'escrow']];

describe('profile matrix: a backend implementing exactly a profile set', () => {
  it.each(sets.map((s) => [s.join(',')]))(
    '%s: passes, never probed outside its profiles, no PASS over a skipped check',
    async (name) => {
      const claimed = new Set(name.split(',') as Profile[]);
      const secret = randomBytes(16).toString('hex');
      const admin = randomBytes(16).toString('hex');
      const legacy = !claimed.has('auth');
      const server = await spawnReferenceServer({
        enrollmentSecret: secret,
        adminToken: admin,
        offlineAfterS: 2,
        startTimeoutMs: 60_000,
        extraArgs: [...(legacy ? ['--insecure-no-auth'] : []), '--agent-rate-limit', '60'],
      });
      const outside: string[] = [];
      const proxy = await startFaultProxy(server.url, {
        request: (r) => {
          const profile = profileOf(r.method, r.path);
          if (profile === undefined || profile === 'operations' || claimed.has(profile as Profile)) return undefined;
          outside.push(`${r.method} ${r.path} (${profile})`);
          return problem(404, 'Not found', 'This backend does not implement that profile.');
        },
      });
      try {
        const reportDir = mkdtempSync(join(tmpdir(), 'lanet-matrix-'));
        dirs.push(reportDir);
        const run = await runConformance({
          target: proxy.url,
          profiles: [...claimed],
          enrollmentSecret: claimed.has('auth') ? secret : undefined,
          adminToken: claimed.has('fleet') ? admin : undefined,
          maxExamples: 10,
          seed: 31337,
          failOn: 'must',
          reports: [],
          reportDir,
          offlineAfterS: 2,
          slowClientLimitS: 20,
          out: sink(),
          err: sink(),
        });
        expect(outside, 'probes outside the claimed profiles').toEqual([]);
        // MUST failures fail the matrix; a SHOULD failure is the reference server's (its legacy mode has no per-agent
        // limit for unauthenticated floods, HB-10) and is printed, not hidden.
        for (const r of run.requirements.filter((x) => x.status === 'fail' && x.level === 'SHOULD')) console.log(`${name}: SHOULD ${r.id} failed: ${r.detail}`);
        expect(run.requirements.filter((r) => r.status === 'fail' && r.level === 'MUST').map((r) => `${r.id}: ${r.detail}`)).toEqual([]);
        expect(run.exitCode).toBe(0);
        for (const r of run.requirements) {
          if (r.checks.some((c) => c.status === 'skip')) expect([r.id, r.status]).not.toEqual([r.id, 'pass']);
          else expect([r.id, r.status]).toEqual([r.id, 'pass']);
        }
        // A check of an unclaimed profile (or needing one) never ran: skipped in 0 ms with the reason.
        for (const c of run.results.filter((x) => !claimed.has(x.check.profile) || (x.check.needs ?? []).some((p) => !claimed.has(p)))) {
          expect([c.key, c.status, c.durationMs]).toEqual([c.key, 'skip', 0]);
          expect(c.summary).toMatch(/not claimed/);
        }
      } finally {
        await proxy.close();
        await server.stop();
      }
    },
    240_000,
  );
});
