import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { STORE_DEADLINE_MS } from '../http/store-deadline.js';
import { parsePostgresUrl } from '../store/postgres-support.js';
import { call, enroll, heartbeatFor, postHeartbeat } from './http-client.js';
import { STORE_KINDS, startTestServer, type StoreKind, type TestServer } from './test-server.js';

/** Holds the store's write lock from another connection until release(): SQLite BEGIN IMMEDIATE, PostgreSQL LOCK TABLE. */
async function lockStore(kind: StoreKind, database: string): Promise<() => Promise<void>> {
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
  await client.query(`LOCK TABLE "${schema}".heartbeats IN ACCESS EXCLUSIVE MODE`);
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
    const after = await postHeartbeat(server.url, agent.agent_token, heartbeatFor(agent.asset_id));
    expect(after.status).toBe(200);
    await expect.poll(async () => (await call(`${server!.url}/readyz`)).status, { timeout: 10_000, interval: 200 }).toBe(200);
  }, 40_000);
});
