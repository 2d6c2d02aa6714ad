import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnReferenceServer, type SpawnedServer } from '@lanet/cli/spawn-reference-server';
import { runConformance, type ConformanceOptions } from '../runner/run-conformance.js';
import { faults, type FaultEnv } from './faults.js';
import { startFaultProxy } from './start-fault-proxy.js';

// Each faulty backend is a fault-injecting proxy in front of a real reference server of its own. The suite runs whole (every
// check, every profile) with fewer generated examples, and must fail exactly the requirement the fault breaks.
const SEED = Number(process.env['LANET_SEED'] ?? 20261128);
const OFFLINE_AFTER_S = 2;
/** Heartbeats a minute one agent may send to the reference server behind the proxies (HB-10). */
const AGENT_RATE_LIMIT = 60;
const env: FaultEnv = { offlineAfterS: OFFLINE_AFTER_S, enrollmentSecret: randomBytes(16).toString('hex'), adminToken: randomBytes(16).toString('hex') };
let reportRoot: string;

const sink = () => new Writable({ write: (_c, _e, cb) => cb() });

// At most this many suites run at once: each is CPU-heavy, and the machine has two cores.
let running = 0;
const waiting: Array<() => void> = [];
async function limited<T>(fn: () => Promise<T>): Promise<T> {
  while (running >= 3) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

async function runAgainst(faultName: string, failOn: 'must' | 'should') {
  return limited(async () => {
    const server = await startServer();
    const proxy = await startFaultProxy(server.url, faultName, env).catch(async (err: unknown) => {
      await server.stop();
      throw err;
    });
    try {
      const options: ConformanceOptions = {
        target: proxy.url,
        profiles: ['core', 'auth', 'fleet', 'escrow'],
        enrollmentSecret: env.enrollmentSecret,
        adminToken: env.adminToken,
        maxExamples: 30,
        seed: SEED,
        failOn,
        reports: ['json'],
        reportDir: join(reportRoot, faultName.replace(/\W+/g, '-')),
        offlineAfterS: OFFLINE_AFTER_S,
        slowClientLimitS: 20,
        out: sink(),
        err: sink(),
      };
      return await runConformance(options);
    } finally {
      await proxy.stop();
      await server.stop();
    }
  });
}

beforeAll(() => {
  console.log(`faulty backends: seed ${SEED} (set LANET_SEED to replay)`);
  reportRoot = mkdtempSync(join(tmpdir(), 'lanet-faults-'));
});

/**
 * A reference server of its own for each faulty backend, so no run sees another's state: the fleet list's first page,
 * the throttle of failed admin attempts and a crash stay within one fault. A per-agent limit (HB-10) that the suite's
 * own single-agent loads (30 examples) stay under and its flood does not.
 */
function startServer(): Promise<SpawnedServer> {
  return spawnReferenceServer({
    enrollmentSecret: env.enrollmentSecret,
    adminToken: env.adminToken,
    offlineAfterS: OFFLINE_AFTER_S,
    extraArgs: ['--agent-rate-limit', String(AGENT_RATE_LIMIT)],
    startTimeoutMs: 60_000,
  });
}

describe('the conformance suite against faulty backends', () => {
  it('passes every check through a proxy that injects no fault (control)', async () => {
    const run = await runAgainst('none', 'should');
    const failed = run.requirements.filter((r) => r.status !== 'pass').map((r) => `${r.id}: ${r.detail}`);
    expect(failed).toEqual([]);
    expect(run.exitCode).toBe(0);
  }, 120_000);

  it(`holds at least 20 faults, each naming one requirement`, () => {
    expect(faults.length).toBeGreaterThanOrEqual(20);
  });

  for (const fault of faults) {
    it.concurrent(`catches "${fault.name}" as ${fault.breaks} and nothing else`, async () => {
      const run = await runAgainst(fault.name, fault.level === 'SHOULD' ? 'should' : 'must');
      const failed = run.requirements.filter((r) => r.status === 'fail').map((r) => r.id);
      const detail = run.requirements
        .filter((r) => r.status !== 'pass')
        .map((r) => `${r.id}: ${r.detail}`)
        .join('\n');
      expect(failed, detail).toEqual([fault.breaks]);
      expect(run.exitCode).toBe(1);
      if (fault.maxRunS !== undefined) expect(run.durationMs).toBeLessThan(fault.maxRunS * 1000);
    }, 180_000);
  }
});
