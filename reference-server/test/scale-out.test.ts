import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetList } from '@lanet/contracts';
import { defaultConfig } from '../server-config.js';
import { startServer, type RunningServer } from '../start-server.js';
import { adminGet, call, enroll, fingerprint, heartbeatFor, postHeartbeat } from './http-client.js';
import { newTestSchema, TEST_POSTGRES_URL, type TestSchema } from './postgres-schema.js';
import { TEST_ADMIN_TOKEN, TEST_ENROLLMENT_SECRET, TEST_ESCROW_KEY } from './test-server.js';

/** A fleet page as this server answers it: paged, with whole-fleet counts including the total (FLT-5). */
type FleetPage = FleetList & { counts: { total: number; online: number; offline: number; never_seen: number }; next_cursor: string | null };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The bound the README states for a revocation to reach every instance. */
const REVOCATION_BOUND_MS = 1000;

/** Ends the LISTEN connections of the servers on this schema, as a database restart or a network cut would. */
async function cutListeners(): Promise<number> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE query = 'LISTEN lanet_token_revoked' AND pid <> pg_backend_pid()",
    );
    return rows.length;
  } finally {
    await client.end();
  }
}

describe('several servers on one PostgreSQL database (scale-out)', () => {
  let schema: TestSchema;
  let dir: string;
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    schema = newTestSchema();
    dir = mkdtempSync(join(tmpdir(), 'lanet-scale-out-'));
    const config = {
      ...defaultConfig,
      host: '127.0.0.1',
      port: 0,
      database: schema.url,
      enrollmentSecret: TEST_ENROLLMENT_SECRET,
      adminToken: TEST_ADMIN_TOKEN,
      escrowKey: TEST_ESCROW_KEY,
      escrowKeyFile: join(dir, 'escrow.key'),
    };
    [a, b] = await Promise.all([startServer(config), startServer(config)]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`REG-3: re-registering on one server revokes the old token on the other within ${REVOCATION_BOUND_MS} ms, and it stays revoked`, async () => {
    const fp = fingerprint();
    const first = await enroll(a.url, fp);
    // Both servers cache the first token.
    expect((await postHeartbeat(a.url, first.agent_token, heartbeatFor(first.asset_id))).status).toBe(200);
    expect((await postHeartbeat(b.url, first.agent_token, heartbeatFor(first.asset_id))).status).toBe(200);
    // Heartbeats with the old token keep arriving at A while B re-registers the machine.
    let stop = false;
    const hammer = (async () => {
      while (!stop) await postHeartbeat(a.url, first.agent_token, heartbeatFor(first.asset_id));
    })();
    const second = await enroll(b.url, fp);
    const reissuedAt = performance.now();
    expect(second.asset_id).toBe(first.asset_id);
    let refusedAfterMs = Infinity;
    while (performance.now() - reissuedAt < 2 * REVOCATION_BOUND_MS) {
      if ((await postHeartbeat(a.url, first.agent_token, heartbeatFor(first.asset_id))).status === 401) {
        refusedAfterMs = performance.now() - reissuedAt;
        break;
      }
    }
    await sleep(200);
    stop = true;
    await hammer;
    process.stdout.write(`REG-3 across instances: old token refused by the other server ${refusedAfterMs.toFixed(1)} ms after the new one was issued\n`);
    expect(refusedAfterMs).toBeLessThan(REVOCATION_BOUND_MS);
    // No lookup that raced the revocation put the old token back in a cache.
    for (const server of [a, b, a, b]) expect((await postHeartbeat(server.url, first.agent_token, heartbeatFor(first.asset_id))).status).toBe(401);
    for (const server of [a, b]) expect((await postHeartbeat(server.url, second.agent_token, heartbeatFor(second.asset_id))).status).toBe(200);
  });

  it('REG-3 holds while the revocation listener is disconnected: tokens are then checked against the database', async () => {
    const fp = fingerprint();
    const first = await enroll(a.url, fp);
    expect((await postHeartbeat(a.url, first.agent_token, heartbeatFor(first.asset_id))).status).toBe(200);
    expect(await cutListeners()).toBeGreaterThanOrEqual(2);
    await sleep(100);
    const second = await enroll(b.url, fp);
    expect((await postHeartbeat(a.url, first.agent_token, heartbeatFor(first.asset_id))).status).toBe(401);
    expect((await postHeartbeat(a.url, second.agent_token, heartbeatFor(second.asset_id))).status).toBe(200);
    // The listener reconnects (every second) and the cache is used again; a later revocation still reaches A.
    await sleep(1500);
    const third = await enroll(b.url, fp);
    await sleep(100);
    expect((await postHeartbeat(a.url, second.agent_token, heartbeatFor(second.asset_id))).status).toBe(401);
    expect((await postHeartbeat(a.url, third.agent_token, heartbeatFor(third.asset_id))).status).toBe(200);
  });

  it('HB-7: the same heartbeat sent to both servers at once is stored once, and both answer with the same received_at', async () => {
    const agent = await enroll(a.url);
    for (let round = 0; round < 10; round++) {
      // Even rounds: the same body twice (same asset_id and timestamp). Odd rounds: two timestamps, one Idempotency-Key.
      const hb = heartbeatFor(agent.asset_id);
      const other = round % 2 === 0 ? hb : { ...hb, timestamp: new Date(Date.parse(hb.timestamp) + 1).toISOString() };
      const headers: Record<string, string> = round % 2 === 0 ? {} : { 'Idempotency-Key': `round-${round}` };
      const [ra, rb] = await Promise.all([postHeartbeat(a.url, agent.agent_token, hb, headers), postHeartbeat(b.url, agent.agent_token, other, headers)]);
      expect([ra.status, rb.status]).toEqual([200, 200]);
      expect(ra.body.received_at).toBe(rb.body.received_at);
    }
    const history = await adminGet(a.url, `/api/agents/${agent.asset_id}/heartbeats?limit=50`);
    expect(history.body.items.length).toBe(10);
  });

  it('FLT-1, FLT-5: the fleet view is the same from each server', async () => {
    for (let i = 0; i < 5; i++) await enroll(i % 2 === 0 ? a.url : b.url);
    const [fa, fb] = await Promise.all([adminGet(a.url, '/api/agents?limit=1000'), adminGet(b.url, '/api/agents?limit=1000')]);
    const [pa, pb] = [fa.body as FleetPage, fb.body as FleetPage];
    expect(pa.counts).toEqual(pb.counts);
    expect(pa.agents.map((x) => [x.asset_id, x.status, x.last_seen_at])).toEqual(pb.agents.map((x) => [x.asset_id, x.status, x.last_seen_at]));
    const cursor = (await adminGet(a.url, '/api/agents?limit=3')).body.next_cursor as string;
    const [na, nb] = await Promise.all([adminGet(a.url, `/api/agents?limit=3&cursor=${cursor}`), adminGet(b.url, `/api/agents?limit=3&cursor=${cursor}`)]);
    expect(na.body.agents).toEqual(nb.body.agents);
  });

  it('refuses to start a server whose escrow key differs from the one the database already uses (ESC-1)', async () => {
    const r = startServer({
      ...defaultConfig,
      host: '127.0.0.1',
      port: 0,
      database: schema.url,
      enrollmentSecret: TEST_ENROLLMENT_SECRET,
      adminToken: TEST_ADMIN_TOKEN,
      escrowKey: 'cd'.repeat(32),
    });
    await expect(r).rejects.toThrow(/same key/);
    expect((await call(`${a.url}/healthz`)).status).toBe(200);
  });
});
