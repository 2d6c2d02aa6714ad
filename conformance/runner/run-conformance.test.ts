import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnReferenceServer } from '@lanet/cli/spawn-reference-server';
import { runConformance, type ConformanceOptions } from './run-conformance.js';

const SEED = Number(process.env['LANET_SEED'] ?? 7);
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'lanet-conf-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A writable that keeps what was written, for asserting on the console report. */
function capture(): Writable & { text: () => string } {
  let text = '';
  const w = new Writable({
    write: (c, _e, cb) => {
      text += c.toString();
      cb();
    },
  }) as Writable & { text: () => string };
  w.text = () => text;
  return w;
}

/** The reference server's per-agent limit (HB-10) in these runs: above the suite's own single-agent loads (60 examples). */
const SERVER_ARGS = ['--agent-rate-limit', '90'];

function options(over: Partial<ConformanceOptions>): ConformanceOptions {
  return {
    serverArgs: SERVER_ARGS,
    profiles: ['core', 'auth', 'fleet', 'escrow'],
    maxExamples: 60,
    seed: SEED,
    failOn: 'must',
    reports: [],
    reportDir: tempDir(),
    slowClientLimitS: 20,
    out: capture(),
    err: capture(),
    ...over,
  };
}

describe('runConformance against the reference server', () => {
  it('passes every requirement on SQLite and writes the JSON and JUnit reports', async () => {
    console.log(`conformance run: seed ${SEED}`);
    const reportDir = tempDir();
    const out = capture();
    const run = await runConformance(options({ reports: ['json', 'junit'], reportDir, out }));
    const notPassed = run.requirements.filter((r) => r.status !== 'pass').map((r) => `${r.id} ${r.status}: ${r.detail}`);
    expect(notPassed).toEqual([]);
    expect(run.exitCode).toBe(0);
    // Every requirement of the four profiles has at least one check.
    const ids = run.requirements.map((r) => r.id);
    for (const id of ['GEN-1', 'GEN-8', 'HB-1', 'HB-11', 'REG-1', 'REG-3', 'AUTH-1', 'AUTH-5', 'FLT-1', 'FLT-4', 'ESC-1', 'ESC-3']) expect(ids).toContain(id);
    expect(ids).toHaveLength(35);
    const json = JSON.parse(readFileSync(join(reportDir, 'conformance.json'), 'utf8'));
    expect(json).toMatchObject({ target: run.target, profiles: ['core', 'auth', 'fleet', 'escrow'], seed: SEED });
    expect(json.results[0]).toMatchObject({ id: 'GEN-1', level: 'MUST', status: 'pass' });
    const junit = readFileSync(join(reportDir, 'conformance-junit.xml'), 'utf8');
    expect(junit).toContain(`tests="${run.results.length}" failures="0"`);
    expect(out.text()).toContain('Conformant.');
  }, 120_000);

  it('passes every requirement on PostgreSQL', async () => {
    const schema = `lanet_conformance_${randomBytes(4).toString('hex')}`;
    const run = await runConformance(options({ database: `postgres://postgres@127.0.0.1:5432/test?schema=${schema}`, maxExamples: 40 }));
    const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
    expect(run.requirements.filter((r) => r.status !== 'pass').map((r) => `${r.id}: ${r.detail}`)).toEqual([]);
    expect(run.exitCode).toBe(0);
  }, 120_000);

  it('checks a core-only backend in legacy mode (no tokens) and passes it', async () => {
    const server = await spawnReferenceServer({
      enrollmentSecret: 'unused-secret-1234',
      adminToken: 'unused-admin-1234',
      extraArgs: ['--insecure-no-auth', ...SERVER_ARGS],
      startTimeoutMs: 60_000,
    });
    try {
      const run = await runConformance(options({ target: server.url, profiles: ['core'], maxExamples: 30, checks: ['HB', 'GEN-2', 'GEN-3'] }));
      // The reference server's legacy mode has no per-agent limit for unauthenticated floods: HB-10 (SHOULD) fails
      // there, reported and not gating; every MUST passes.
      expect(run.requirements.filter((r) => r.status === 'fail' && r.level === 'MUST').map((r) => `${r.id}: ${r.detail}`)).toEqual([]);
      // Read-back parts need the fleet profile: they are skipped with the reason, not failed.
      expect(run.requirements.find((r) => r.id === 'HB-9')).toMatchObject({ status: 'skip' });
      expect(run.requirements.find((r) => r.id === 'HB-9')!.detail).toMatch(/needs the fleet profile/);
      // A requirement whose read-back part did not run is PARTIAL, never PASS.
      expect(run.requirements.find((r) => r.id === 'HB-7')).toMatchObject({ status: 'partial' });
      expect(run.exitCode).toBe(0);
    } finally {
      await server.stop();
    }
  }, 120_000);
});

describe('runConformance exit code 2: the suite could not run', () => {
  it('for an unreachable target', async () => {
    const err = capture();
    const run = await runConformance(options({ target: 'http://127.0.0.1:1', enrollmentSecret: 's', adminToken: 't', err }));
    expect(run.exitCode).toBe(2);
    expect(err.text()).toMatch(/unreachable/);
  });

  it('for options that cannot work, each problem named', async () => {
    const err = capture();
    const run = await runConformance(options({ target: 'http://127.0.0.1:8080', maxExamples: 0, err }));
    expect(run.exitCode).toBe(2);
    expect(err.text()).toMatch(/--enrollment-secret/);
    expect(err.text()).toMatch(/--admin-token/);
    expect(err.text()).toMatch(/--max-examples/);
  });

  it('when no check matches the selection', async () => {
    const server = await spawnReferenceServer({ enrollmentSecret: 'unused-secret-1234', adminToken: 'unused-admin-1234', startTimeoutMs: 60_000 });
    try {
      const run = await runConformance(options({ target: server.url, profiles: ['core'], checks: ['REG-1'] }));
      expect(run.exitCode).toBe(2);
    } finally {
      await server.stop();
    }
  }, 90_000);
});

describe('failure output', () => {
  it('saves the failing payload and prints a curl command and the seed (against a backend that is not LANET at all)', async () => {
    // A backend that answers 404 to everything: every check that needs a 2xx fails or skips, the suite exits 1.
    const { createServer } = await import('node:http');
    const srv = createServer((_, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('nope');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    const reportDir = tempDir();
    const out = capture();
    try {
      const run = await runConformance(options({ target: `http://127.0.0.1:${port}`, profiles: ['core'], checks: ['HB-1', 'GEN-2'], reportDir, out }));
      expect(run.exitCode).toBe(1);
      expect(run.requirements.map((r) => [r.id, r.status])).toEqual([
        ['GEN-2', 'fail'],
        ['HB-1', 'fail'],
      ]);
      const text = out.text();
      expect(text).toMatch(/curl: {5}curl -sS -i -X POST .* --data-binary @\S+HB-1_seed-example-1\.json/);
      expect(text).toMatch(
        /replay: {3}npx lanet conformance --target http:\/\/127\.0\.0\.1:\d+ --profile core --seed \d+ --max-examples 60 --checks HB-1\/seed-example/,
      );
      expect(text).toMatch(/expected: HTTP 200/);
      expect(existsSync(join(reportDir, 'failures', 'HB-1_seed-example-1.json'))).toBe(true);
    } finally {
      srv.close();
    }
  });
});
