import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnReferenceServer, type SpawnedServer } from '@lanet/cli/spawn-reference-server';
import { propertySeed } from '@lanet/contracts/arbitraries';
import { arbitraryInventorySource } from '../agents/agent-inventory.js';
import { parseSimulateOptions } from '../cli/simulate-command.js';
import { simulate } from './simulate.js';

// Issue 11: run twice against one --target with the same seed (so the same identities and assets, REG-3), the
// second run's FLT-4 counted the first run's stored heartbeats as "stored but never accepted". Each run judges
// only what it sent.
const seed = propertySeed();
console.log(`repeat-target seed ${seed} (LANET_SEED=${seed} reproduces)`);
const secret = randomBytes(24).toString('hex');
const admin = randomBytes(24).toString('hex');
let server: SpawnedServer;

beforeAll(async () => {
  server = await spawnReferenceServer({ enrollmentSecret: secret, adminToken: admin, offlineAfterS: 0.5 });
}, 60_000);
afterAll(async () => server?.stop());

async function runOnce() {
  const out: string[] = [];
  const options = parseSimulateOptions(
    {
      target: server.url,
      enrollmentSecret: secret,
      adminToken: admin,
      offlineAfter: '0.5',
      agents: '12',
      duration: '2s',
      interval: '300s',
      timeScale: '1200',
      scenario: 'steady',
      seed: String(seed),
      threshold: ['lost==0'],
      shard: '1/1',
      connections: '8',
      failOn: 'must',
      progress: false,
    },
    { out: (t) => out.push(t), err: (t) => out.push(t) },
  );
  const outcome = await simulate(options, { inventoryFor: arbitraryInventorySource(seed) });
  return { outcome, text: out.join(''), flt4: outcome.report?.checks.find((c) => c.requirement === 'FLT-4') };
}

describe('two simulate runs in a row against one target', () => {
  it("both exit 0: FLT-4 compares this run's accepted heartbeats only", async () => {
    const first = await runOnce();
    expect(first.outcome.exitCode, first.text).toBe(0);
    expect(first.flt4?.status).toBe('pass');
    const second = await runOnce();
    expect(second.outcome.exitCode, second.text).toBe(0);
    expect(second.flt4?.status).toBe('pass');
    expect(second.flt4?.evidence).toMatch(/\d+ stored heartbeats from earlier runs not judged/);
  }, 120_000);
});
