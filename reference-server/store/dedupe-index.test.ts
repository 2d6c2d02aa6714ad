import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { plainHeartbeatWrite } from '../test/heartbeat-write.js';
import { newTestSchema, TEST_POSTGRES_URL, type TestSchema } from '../test/postgres-schema.js';
import { DEDUPE_INDEX_MIGRATION_SQL, retryOriginalSql } from './dedupe-index-sql.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';

const T0 = Date.UTC(2026, 11, 1);
const iso = (ms: number) => new Date(ms).toISOString();

// The indexes as the first migration made them (asset id first), to show that a database from before still upgrades.
const OLD_INDEXES = [
  'DROP INDEX heartbeats_retry',
  'DROP INDEX heartbeats_idem',
  'CREATE UNIQUE INDEX heartbeats_retry ON heartbeats(asset_id, ts_raw)',
  'CREATE UNIQUE INDEX heartbeats_idem ON heartbeats(asset_id, idempotency_key) WHERE idempotency_key IS NOT NULL',
];

/** Puts the database back to the schema before the dedupe-index migration (the last one). */
async function downgrade(kind: 'sqlite' | 'postgres', location: string, schema?: string): Promise<void> {
  if (kind === 'sqlite') {
    const db = new Database(location);
    const version = db.pragma('user_version', { simple: true }) as number;
    db.exec(`${OLD_INDEXES.join(';')}; PRAGMA user_version = ${version - 1}`);
    db.close();
    return;
  }
  const c = new pg.Client({ connectionString: TEST_POSTGRES_URL, options: `-c search_path="${schema}"` });
  await c.connect();
  try {
    await c.query(`${OLD_INDEXES.join(';')}; DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`);
  } finally {
    await c.end();
  }
}

/** The columns of heartbeats_retry and heartbeats_idem, in index order. */
async function indexColumns(kind: 'sqlite' | 'postgres', location: string, schema?: string): Promise<string[]> {
  const names = ['heartbeats_retry', 'heartbeats_idem'];
  if (kind === 'sqlite') {
    const db = new Database(location, { readonly: true });
    const out = names.map((n) => (db.pragma(`index_info(${n})`) as Array<{ name: string }>).map((c) => c.name).join(','));
    db.close();
    return out;
  }
  const c = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await c.connect();
  try {
    const { rows } = await c.query<{ indexname: string; indexdef: string }>('SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1', [schema]);
    const columnsOf = (n: string) => /\(([^)]*)\)/.exec(rows.find((r) => r.indexname === n)?.indexdef ?? '')?.[1]?.replaceAll(' ', '') ?? '';
    return names.map(columnsOf);
  } finally {
    await c.end();
  }
}

describe.each(['sqlite', 'postgres'] as const)('HB-7 retry indexes in the %s store', (kind) => {
  let dir: string | undefined;
  let schema: TestSchema | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await schema?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    store = undefined;
  });

  it('upgrades a database whose indexes lead with the asset id, and still finds retries stored before and after', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanet-dedupe-'));
    schema = kind === 'postgres' ? newTestSchema() : undefined;
    const location = schema?.url ?? join(dir, 'lanet.db');
    store = await openStore(location);
    const assetId = randomUUID();
    await store.registerAgent({ fingerprint: `fp-${assetId}`, hostname: 'h', tokenHash: `t-${assetId}`, newAssetId: assetId, nowMs: T0 });
    const before = plainHeartbeatWrite(assetId, iso(T0), T0, '{"n":1}', `${iso(T0)}/${assetId}`);
    expect((await store.writeHeartbeats([before]))[0]!.duplicate).toBe(false);
    await store.close();
    await downgrade(kind, location, schema?.name);

    expect(await indexColumns(kind, location, schema?.name)).toEqual(['asset_id,ts_raw', 'asset_id,idempotency_key']);
    store = await openStore(location);
    expect(await indexColumns(kind, location, schema?.name)).toEqual(['ts_raw,asset_id', 'idempotency_key,asset_id']);
    const after = plainHeartbeatWrite(assetId, iso(T0 + 300_000), T0 + 300_000, '{"n":2}', `${iso(T0 + 300_000)}/${assetId}`);
    const results = await store.writeHeartbeats([
      after,
      // Same timestamp text as the one stored before the upgrade, new key; then same key, new timestamp.
      plainHeartbeatWrite(assetId, iso(T0), T0 + 600_000, '{"n":1}', 'another-key'),
      plainHeartbeatWrite(assetId, iso(T0 + 1), T0 + 600_000, '{"n":1}', before.idempotencyKey),
      plainHeartbeatWrite(assetId, iso(T0 + 300_000), T0 + 600_000, '{"n":2}', null),
    ]);
    expect(results.map((r) => [r.duplicate, r.receivedAtMs])).toEqual([
      [false, T0 + 300_000],
      [true, T0],
      [true, T0],
      [true, T0 + 300_000],
    ]);
    // Another agent's heartbeat with the same timestamp and key text is its own (the asset id is part of both keys).
    const other = randomUUID();
    await store.registerAgent({ fingerprint: `fp-${other}`, hostname: 'h2', tokenHash: `t-${other}`, newAssetId: other, nowMs: T0 });
    const [mine] = await store.writeHeartbeats([plainHeartbeatWrite(other, iso(T0), T0 + 900_000, '{"n":1}', before.idempotencyKey)]);
    expect(mine!.duplicate).toBe(false);
    expect((await store.listHeartbeats(assetId, 10)).map((h) => h.receivedAtMs)).toEqual([T0 + 300_000, T0]);
  });
});

describe('the SQLite plan of a retry lookup', () => {
  it('searches both unique indexes by their full key instead of walking the agent history', () => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE heartbeats (id INTEGER PRIMARY KEY, asset_id TEXT, ts_raw TEXT, idempotency_key TEXT, received_at INTEGER);
      CREATE INDEX heartbeats_by_asset ON heartbeats (asset_id, id)`);
    // The indexes exactly as the migration creates them.
    for (const sql of DEDUPE_INDEX_MIGRATION_SQL.filter((s) => s.startsWith('CREATE'))) db.exec(sql);
    const plan = db
      .prepare<{ a: string; t: string; k: string }, { detail: string }>(`EXPLAIN QUERY PLAN ${retryOriginalSql('@a', '@t', '@k')}`)
      .all({ a: 'a', t: 't', k: 'k' })
      .map((r) => r.detail)
      .join('\n');
    db.close();
    expect(plan).toContain('USING INDEX heartbeats_retry (ts_raw=? AND asset_id=?)');
    expect(plan).toContain('USING INDEX heartbeats_idem (idempotency_key=? AND asset_id=?)');
    expect(plan).not.toContain('heartbeats_by_asset');
  });
});
