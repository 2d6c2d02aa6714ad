import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { STORE_DEADLINE_MS } from '../http/store-deadline.js';
import { parsePostgresUrl } from '../store/postgres-support.js';
import { adminGet, call, enroll, fingerprint, heartbeatFor, postHeartbeat } from './http-client.js';
import { STORE_KINDS, TEST_ENROLLMENT_SECRET, startTestServer, type StoreKind, type TestServer } from './test-server.js';

/**
 * Holds the store's write lock from another connection until release(): SQLite BEGIN IMMEDIATE, PostgreSQL LOCK TABLE
 * (with `everyTable`, every table the fleet, escrow and register routes read or write, so they stall too).
 */
async function lockStore(kind: StoreKind, database: string, everyTable = false): Promise<() => Promise<void>> {
  if (kind === 'sqlite') {
    const db = new Database(database);
    db.exec('BEGIN IMMEDIATE');
    return async () => {
      db.exec('ROLLBACK');
      db.close();
    };
  }
  const { connectionString, schema } = parsePostgresUrl(database);
  const client = new pg.Client({ connectionString });
  await client.connect();
  await client.query('BEGIN');
  const tables = everyTable ? ['heartbeats', 'agents', 'escrow_keys', 'escrow_audit'] : ['heartbeats'];
  await client.query(`LOCK TABLE ${tables.map((t) => `"${schema}".${t}`).join(', ')} IN ACCESS EXCLUSIVE MODE`);
  return async () => {
    await client.query('ROLLBACK');
    await client.end();
  };
}

describe.each(STORE_KINDS)('GEN-8: a stalled store gets 503 + Retry-After within the deadline, and /readyz says so (%s store)', (kind) => {
  let server: TestServer | undefined;
  let release: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await release?.();
    release = undefined;
    await server?.stop();
  });

  it('while another connection holds the write lock: heartbeats 503 in under 10 s, /readyz 503; both recover after', async () => {
    server = await startTestServer(kind);
    const agent = await enroll(server.url);
    expect((await postHeartbeat(server.url, agent.agent_token, heartbeatFor(agent.asset_id))).status).toBe(200);
    release = await lockStore(kind, server.database);
    const started = Date.now();
    const stalled = postHeartbeat(server.url, agent.agent_token, heartbeatFor(agent.asset_id)).then((r) => ({ r, ms: Date.now() - started }));
    // While the commit waits: SQLite's ingest thread is blocked in its busy wait (the ping waits behind it); PostgreSQL
    // answers the ping but has held a heartbeat past the deadline.
    const { r, ms } = await stalled;
    console.log(`D5 ${kind}: time to 503 with the write lock held: ${ms} ms`);
    expect(r.status, r.text).toBe(503);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(ms).toBeLessThan(STORE_DEADLINE_MS + 2_000);
    const ready = await call(`${server.url}/readyz`);
    console.log(`D5 ${kind}: /readyz while locked: ${ready.status}`);
    expect(ready.status).toBe(503);
    await release();
    release = undefined;
    // Until the heartbeat stuck behind the lock has its answer, new ones are shed (commit_wait, HB-10): poll as an agent retries.
    await expect
      .poll(async () => (await postHeartbeat(server!.url, agent.agent_token, heartbeatFor(agent.asset_id))).status, { timeout: 10_000, interval: 200 })
      .toBe(200);
    await expect.poll(async () => (await call(`${server!.url}/readyz`)).status, { timeout: 10_000, interval: 200 }).toBe(200);
  }, 40_000);
});

describe.each(STORE_KINDS)('GEN-8: every store call of the HTTP thread has a deadline, not only heartbeats (%s store)', (kind) => {
  let server: TestServer | undefined;
  let release: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await release?.();
    release = undefined;
    await server?.stop();
  });

  it('with the store stalled, fleet list, agent, history, escrow read and register answer 503 + Retry-After within the deadline', async () => {
    server = await startTestServer(kind);
    const agent = await enroll(server.url);
    expect((await postHeartbeat(server.url, agent.agent_token, heartbeatFor(agent.asset_id))).status).toBe(200);
    release = await lockStore(kind, server.database, true);
    // The stall: on SQLite a heartbeat's commit holds the ingest thread in its busy wait (5 s, then 5 s more for the
    // retry alone), and every store call queues behind it; on PostgreSQL the locked tables hold every query.
    const blocker = postHeartbeat(server.url, agent.agent_token, heartbeatFor(agent.asset_id));
    await new Promise((r) => setTimeout(r, 300));
    // Bounded: the lock goes at the latest 14 s in, so on a server without deadlines the calls answer late, not never.
    const unlock = setTimeout(() => void release?.().then(() => (release = undefined)), 14_000);
    const base = server.url;
    const id = agent.asset_id;
    const calls: Array<[string, () => ReturnType<typeof call>]> = [
      ['GET /api/agents', () => adminGet(base, '/api/agents')],
      ['GET /api/agents/{id}', () => adminGet(base, `/api/agents/${id}`)],
      ['GET /api/agents/{id}/heartbeats', () => adminGet(base, `/api/agents/${id}/heartbeats`)],
      ['GET /api/agents/{id}/recovery-keys', () => adminGet(base, `/api/agents/${id}/recovery-keys`)],
      [
        'POST /api/agents/register',
        () =>
          call(`${base}/api/agents/register`, {
            method: 'POST',
            token: TEST_ENROLLMENT_SECRET,
            json: { hardware_fingerprint: fingerprint(), hostname: 'stalled' },
          }),
      ],
    ];
    const started = Date.now();
    const answers = await Promise.all(calls.map(async ([name, send]) => ({ name, r: await send(), ms: Date.now() - started })));
    clearTimeout(unlock);
    for (const { name, r, ms } of answers) console.log(`GEN-8 ${kind}: ${name} with the store stalled: ${r.status} after ${ms} ms`);
    for (const { name, r, ms } of answers) {
      expect(r.status, `${name}: ${r.text}`).toBe(503);
      expect(Number(r.headers.get('retry-after')), name).toBeGreaterThan(0);
      expect(r.body.type, name).toBe('https://lanet.dev/problems/overloaded');
      expect(ms, name).toBeLessThan(STORE_DEADLINE_MS + 2_000);
    }
    await release?.();
    release = undefined;
    await blocker;
    // Recovered: the same calls answer again once the store does.
    await expect.poll(async () => (await adminGet(base, '/api/agents')).status, { timeout: 15_000, interval: 250 }).toBe(200);
    expect((await adminGet(base, `/api/agents/${id}/heartbeats`)).status).toBe(200);
  }, 60_000);
});

describe('GEN-8: a heartbeat whose 503 went out is not committed later by the ingest thread', () => {
  let server: TestServer | undefined;
  let release: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await release?.();
    release = undefined;
    await server?.stop();
  });

  it('queued behind a stalled commit past its deadline, it is dropped unparsed, not stored after its 503', async () => {
    server = await startTestServer('sqlite');
    const agent = await enroll(server.url);
    release = await lockStore('sqlite', server.database);
    // The first heartbeat's commit holds the ingest thread in SQLite's busy wait (5 s, then 5 s for the retry alone).
    const blocker = postHeartbeat(server.url, agent.agent_token, heartbeatFor(agent.asset_id));
    await new Promise((r) => setTimeout(r, 300));
    const late = heartbeatFor(agent.asset_id);
    const answer = await postHeartbeat(server.url, agent.agent_token, late);
    expect(answer.status).toBe(503);
    await blocker;
    await release();
    release = undefined;
    // Give the ingest thread time to reach the queued heartbeat, then read the history: it must not be there.
    await expect.poll(async () => (await postHeartbeat(server!.url, agent.agent_token, heartbeatFor(agent.asset_id))).status, { timeout: 15_000 }).toBe(200);
    const history = await adminGet(server.url, `/api/agents/${agent.asset_id}/heartbeats?limit=500`);
    const stamps = (history.body.items as Array<{ payload: { timestamp: string } }>).map((i) => i.payload.timestamp);
    console.log(
      `GEN-8: history after the stall holds ${stamps.length} heartbeats; the one answered 503 ${stamps.includes(late.timestamp) ? 'IS' : 'is not'} among them`,
    );
    expect(stamps).not.toContain(late.timestamp);
  }, 60_000);
});
