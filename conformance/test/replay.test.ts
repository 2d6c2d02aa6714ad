import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnReferenceServer, type SpawnedServer } from '@lanet/cli/spawn-reference-server';
import type { FailureRecord } from '../report/failure-files.js';
import { runConformance } from '../runner/run-conformance.js';
import type { FaultEnv } from './faults.js';
import { startFaultProxy } from './start-fault-proxy.js';

// "Every failure replayable from its report": for a payload rule, a stateful rule and a transport rule, the replay
// command is copied from the JSON report and run as is (bash, the repository as working directory, the credentials
// only in the environment) against the same faulty backend; it must reproduce the failure.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const env: FaultEnv = { offlineAfterS: 2, enrollmentSecret: randomBytes(16).toString('hex'), adminToken: randomBytes(16).toString('hex') };
const sink = () => new Writable({ write: (_c, _e, cb) => cb() });
let server: SpawnedServer;
let reportRoot: string;

beforeAll(async () => {
  reportRoot = mkdtempSync(join(tmpdir(), 'lanet-replay-'));
  server = await spawnReferenceServer({
    enrollmentSecret: env.enrollmentSecret,
    adminToken: env.adminToken,
    offlineAfterS: env.offlineAfterS,
    startTimeoutMs: 60_000,
  });
}, 90_000);

afterAll(async () => {
  await server?.stop();
  if (reportRoot) rmSync(reportRoot, { recursive: true, force: true });
});

describe('replay commands from the JSON report, run as is', () => {
  const kinds: Array<[kind: string, fault: string, check: string]> = [
    ['a payload rule', 'accepts cpu_usage 150', 'HB-3/listed-mutations'],
    ['a stateful rule', 'stores a retry twice', 'HB-7/stored-once'],
    ['a transport rule', 'no 413: oversized bodies get 400', 'GEN-4/body-limit'],
  ];
  it.each(kinds)(
    '%s (%s): the replay command reproduces %s',
    async (kind, fault, check) => {
      const proxy = await startFaultProxy(server.url, fault, env);
      try {
        const reportDir = join(reportRoot, check.replace(/\W+/g, '-'));
        const run = await runConformance({
          target: proxy.url,
          profiles: ['core', 'auth', 'fleet', 'escrow'],
          enrollmentSecret: env.enrollmentSecret,
          adminToken: env.adminToken,
          checks: [check],
          maxExamples: 20,
          seed: 4242,
          failOn: 'must',
          reports: ['json'],
          reportDir,
          offlineAfterS: env.offlineAfterS,
          slowClientLimitS: 20,
          out: sink(),
          err: sink(),
        });
        expect(run.exitCode).toBe(1);
        const json = JSON.parse(readFileSync(join(reportDir, 'conformance.json'), 'utf8'));
        const failures: FailureRecord[] = json.results.flatMap((r: any) => r.checks).find((c: any) => c.key === check).failures;
        const first = failures[0]!;
        expect(first).toMatchObject({ seed: 4242, replay: expect.stringContaining(`--checks ${check}`) });
        // The report never holds the credentials themselves, only the variables that carry them.
        expect(JSON.stringify(json)).not.toContain(env.adminToken);
        expect(JSON.stringify(json)).not.toContain(env.enrollmentSecret);
        // The replay takes them from the environment, not as flags that would show in the process list (AUTH-4).
        expect(first.replay).not.toMatch(/--enrollment-secret|--admin-token/);
        const shellEnv = { ...process.env, LANET_ENROLLMENT_SECRET: env.enrollmentSecret, LANET_ADMIN_TOKEN: env.adminToken };
        const replay = spawnSync('bash', ['-c', first.replay], { cwd: ROOT, env: shellEnv, encoding: 'utf8', timeout: 120_000 });
        console.log(`${kind}: ${first.replay} -> exit ${replay.status}`);
        expect(replay.stdout).toContain(`--- ${check} (MUST) FAILED`);
        expect(replay.status).toBe(1);
        if (kind === 'a transport rule') {
          const scripted = failures.find((f) => f.replay_script !== undefined)!;
          expect(scripted.replay_script).toMatch(/^node \S+\.mjs /);
          expect(scripted.likely_cause).toMatch(/413/);
          const script = spawnSync('bash', ['-c', scripted.replay_script!], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
          console.log(`${kind} script: ${scripted.replay_script} -> exit ${script.status} ${script.stdout.trim()}`);
          expect(JSON.parse(script.stdout)).toMatchObject({ reproduced: true });
          expect(script.status).toBe(1);
        }
      } finally {
        await proxy.stop();
      }
    },
    240_000,
  );
});
