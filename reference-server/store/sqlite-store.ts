import Database from 'better-sqlite3';
import { preparePrivateFile } from './private-files.js';
import { startWalCheckpointer } from './wal-checkpointer.js';
import { WalFlusher, walFileSync } from './wal-flush.js';
import { DEDUPE_INDEX_MIGRATION_SQL, retryOriginalSql } from './dedupe-index-sql.js';
import { HISTORY_MIGRATION_SQL } from './history-sql.js';
import { sqliteHistory } from './sqlite-history.js';
import { agentMatchCountSql, agentPageSql, fleetCountsSql, FLEET_INDEX_SQL } from './fleet-page-sql.js';
import type {
  AgentPageQuery,
  AgentPageRow,
  AgentRow,
  EscrowAudit,
  EscrowRow,
  HeartbeatRow,
  HeartbeatWrite,
  HeartbeatWriteResult,
  RegisterInput,
  Store,
} from './store.js';

// Migrations run in order once each; the applied count lives in user_version.
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE agents (
     asset_id TEXT PRIMARY KEY, fingerprint TEXT UNIQUE, hostname TEXT, token_hash TEXT UNIQUE,
     registered_at INTEGER NOT NULL, last_seen_at INTEGER, partial INTEGER NOT NULL DEFAULT 0,
     clock_skew_s REAL, latest_heartbeat_id INTEGER);
   CREATE TABLE heartbeats (
     id INTEGER PRIMARY KEY, asset_id TEXT NOT NULL REFERENCES agents(asset_id), ts_raw TEXT NOT NULL,
     idempotency_key TEXT, received_at INTEGER NOT NULL, partial INTEGER NOT NULL, clock_skew_s REAL NOT NULL,
     payload TEXT NOT NULL);
   CREATE UNIQUE INDEX heartbeats_retry ON heartbeats(asset_id, ts_raw);
   CREATE UNIQUE INDEX heartbeats_idem ON heartbeats(asset_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
   CREATE TABLE escrow_keys (
     key_id TEXT PRIMARY KEY, asset_id TEXT NOT NULL REFERENCES agents(asset_id), drive_letter TEXT NOT NULL,
     ciphertext TEXT NOT NULL, digest TEXT NOT NULL, escrowed_at INTEGER NOT NULL);
   CREATE UNIQUE INDEX escrow_keys_dedupe ON escrow_keys(asset_id, drive_letter, digest);
   CREATE TABLE escrow_audit (
     audit_id TEXT PRIMARY KEY, actor TEXT NOT NULL, read_at INTEGER NOT NULL, asset_id TEXT NOT NULL, key_ids TEXT NOT NULL);`,
  // FLT-5: keyset pages of the fleet list by hostname or last seen, status filters and counts without a table scan.
  FLEET_INDEX_SQL.join(';\n'),
  // Retention: per-agent history counters and the indexes pruning walks (history-sql.ts).
  HISTORY_MIGRATION_SQL.join(';\n'),
  // HB-7: the retry indexes ordered by time first, so a heartbeat's entries append (dedupe-index-sql.ts).
  DEDUPE_INDEX_MIGRATION_SQL.join(';\n'),
];

interface AgentSqlRow {
  asset_id: string;
  hostname: string | null;
  registered_at: number;
  last_seen_at: number | null;
  partial: number;
  clock_skew_s: number | null;
  payload?: string | null;
}

function toAgentRow(r: AgentSqlRow): AgentRow {
  return {
    assetId: r.asset_id,
    hostname: r.hostname,
    registeredAtMs: r.registered_at,
    lastSeenAtMs: r.last_seen_at,
    partial: r.partial === 1,
    clockSkewS: r.clock_skew_s,
  };
}

/**
 * Opens (creating if needed) a SQLite database in WAL mode. Every write resolves only after the WAL holding it was
 * fdatasynced, so a 200 survives power loss too, not only kill -9 (HB-9); the sync runs off the committing thread.
 */
export function openSqliteStore(path: string, options: { syncWal?: () => Promise<void> } = {}): Store {
  const inMemory = path === ':memory:';
  if (!inMemory) preparePrivateFile(path); // D8: 0600 in a 0700 directory
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // NORMAL: commits do not fsync inline (that blocked the ingest thread); walSync does it on libuv's pool, and every
  // write method below awaits it before resolving (wal-flush.ts); retention's deletes ride on the next sync (a crash can
  // only bring back rows the pruner deletes again). An in-memory database has nothing to sync.
  db.pragma(`synchronous = ${inMemory ? 'FULL' : 'NORMAL'}`);
  const walSync = inMemory ? null : walFileSync(path);
  // options.syncWal: tests hold the sync to show that no write resolves before it.
  const flusher = new WalFlusher(options.syncWal ?? walSync?.sync ?? (() => Promise.resolve()));
  /** Returns `value` once the transactions committed so far are durable. */
  const durable = async <T>(value: T): Promise<T> => {
    await flusher.flush();
    return value;
  };
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const applied = db.pragma('user_version', { simple: true }) as number;
  for (let v = applied; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }

  // Checkpoints run on a thread of their own (wal-checkpointer.ts), started once the migrations ran so a store that fails
  // to open leaves no thread behind. This connection checkpoints inline only as a safety net, far past where that thread
  // restarts the WAL, or at the usual 1,000 frames if the thread stopped.
  const checkpointer = inMemory
    ? null
    : startWalCheckpointer(path, {
        onFailed: () => {
          if (db.open) db.pragma('wal_autocheckpoint = 1000');
        },
      });
  if (checkpointer) db.pragma('wal_autocheckpoint = 16000');

  const q = {
    getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE name = ?'),
    putSetting: db.prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    agentByFingerprint: db.prepare<[string], { asset_id: string; token_hash: string | null }>('SELECT asset_id, token_hash FROM agents WHERE fingerprint = ?'),
    reEnroll: db.prepare('UPDATE agents SET token_hash = ?, hostname = COALESCE(hostname, ?) WHERE asset_id = ?'),
    insertAgent: db.prepare('INSERT INTO agents (asset_id, fingerprint, hostname, token_hash, registered_at) VALUES (?, ?, ?, ?, ?)'),
    legacyAgent: db.prepare('INSERT INTO agents (asset_id, registered_at) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    byToken: db.prepare<[string], { asset_id: string }>('SELECT asset_id FROM agents WHERE token_hash = ?'),
    insertHeartbeat: db.prepare(
      `INSERT INTO heartbeats (asset_id, ts_raw, idempotency_key, received_at, partial, clock_skew_s, payload)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    original: db.prepare<{ asset: string; ts: string; key: string | null }, { received_at: number }>(retryOriginalSql('@asset', '@ts', '@key')),
    // stored_bytes counts what SQLite stores, the payload's UTF-8 bytes (retention, history-sql.ts). They are counted in
    // JS (Buffer.byteLength, which like SQLite's binding writes a lone surrogate as U+FFFD's 3 bytes): binding the
    // payload a second time for octet_length(?) transcoded it again, ~6 µs per 7 KB heartbeat on the ingest thread.
    touchAgent: db.prepare(
      `UPDATE agents SET last_seen_at = ?, partial = ?, clock_skew_s = ?, latest_heartbeat_id = ?,
       stored_count = stored_count + 1, stored_bytes = stored_bytes + ? WHERE asset_id = ?`,
    ),
    // Apart, and only when it differs: SQLite rewrites an index's entry whenever its column is assigned, changed or not,
    // and every heartbeat names its host, so assigning it in touchAgent moved agents_by_host's entry on every beat.
    renameAgent: db.prepare('UPDATE agents SET hostname = ? WHERE asset_id = ? AND hostname IS NOT ?'),
    insertEscrow: db.prepare(
      'INSERT INTO escrow_keys (key_id, asset_id, drive_letter, ciphertext, digest, escrowed_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    escrowedDrives: db.prepare<[string], { drive_letter: string }>('SELECT DISTINCT drive_letter FROM escrow_keys WHERE asset_id = ?'),
    listAgents: db.prepare<[], AgentSqlRow>(
      'SELECT asset_id, hostname, registered_at, last_seen_at, partial, clock_skew_s FROM agents ORDER BY registered_at, asset_id',
    ),
    getAgent: db.prepare<[string], AgentSqlRow>(
      `SELECT a.asset_id, a.hostname, a.registered_at, a.last_seen_at, a.partial, a.clock_skew_s, h.payload
       FROM agents a LEFT JOIN heartbeats h ON h.id = a.latest_heartbeat_id WHERE a.asset_id = ?`,
    ),
    history: db.prepare<[string, number, number], { id: number; received_at: number; partial: number; clock_skew_s: number; payload: string }>(
      'SELECT id, received_at, partial, clock_skew_s, payload FROM heartbeats WHERE asset_id = ? AND id < ? ORDER BY id DESC LIMIT ?',
    ),
    // octet_length reads the size from the record header, not the payload's overflow pages.
    historySizes: db
      .prepare<[string, number, number], [number, number]>(
        'SELECT id, octet_length(payload) FROM heartbeats WHERE asset_id = ? AND id < ? ORDER BY id DESC LIMIT ?',
      )
      .raw(),
    escrowKeys: db.prepare<[string], { key_id: string; drive_letter: string; ciphertext: string; escrowed_at: number }>(
      'SELECT key_id, drive_letter, ciphertext, escrowed_at FROM escrow_keys WHERE asset_id = ? ORDER BY escrowed_at, key_id',
    ),
    insertAudit: db.prepare('INSERT INTO escrow_audit (audit_id, actor, read_at, asset_id, key_ids) VALUES (?, ?, ?, ?, ?)'),
  };

  // FLT-5: one prepared statement per shape of page query (sort, direction, filters), made on first use.
  const pageStatements = new Map<string, Database.Statement<unknown[], AgentSqlRow & { sort_key: string | number }>>();
  const listAgentPage = (query: AgentPageQuery): AgentPageRow[] => {
    const args: unknown[] = [];
    const sql = agentPageSql(
      query,
      (v) => {
        args.push(v);
        return '?';
      },
      'sqlite',
    );
    let stmt = pageStatements.get(sql);
    if (!stmt) pageStatements.set(sql, (stmt = db.prepare<unknown[], AgentSqlRow & { sort_key: string | number }>(sql)));
    return stmt.all(...args).map((r) => ({ ...toAgentRow(r), sortKey: r.sort_key }));
  };
  const countAgentPage = (query: AgentPageQuery): number => {
    const args: unknown[] = [];
    const sql = agentMatchCountSql(
      query,
      (v) => {
        args.push(v);
        return '?';
      },
      'sqlite',
    );
    return db.prepare<unknown[], { n: number }>(sql).get(...args)!.n;
  };
  const history = sqliteHistory(db);
  const countStatement = db.prepare<[number], { total: number; never_seen: number; online: number }>(fleetCountsSql(() => '?', 0));

  const writeOne = (w: HeartbeatWrite): HeartbeatWriteResult => {
    const info = q.insertHeartbeat.run(w.assetId, w.timestampRaw, w.idempotencyKey, w.receivedAtMs, w.partial ? 1 : 0, w.clockSkewS, w.payloadJson);
    if (info.changes === 0) {
      // HB-7: a retry; answer with the original receive time and store nothing.
      const original = q.original.get({ asset: w.assetId, ts: w.timestampRaw, key: w.idempotencyKey });
      return { receivedAtMs: original?.received_at ?? w.receivedAtMs, duplicate: true, escrowRequired: false };
    }
    q.touchAgent.run(w.receivedAtMs, w.partial ? 1 : 0, w.clockSkewS, info.lastInsertRowid, Buffer.byteLength(w.payloadJson, 'utf8'), w.assetId);
    if (w.hostname !== null) q.renameAgent.run(w.hostname, w.assetId, w.hostname);
    for (const e of w.escrow) q.insertEscrow.run(e.keyId, w.assetId, e.driveLetter, e.ciphertext, e.digest, w.receivedAtMs);
    let escrowRequired = false;
    if (w.protectedDrives.length > 0) {
      const have = new Set(q.escrowedDrives.all(w.assetId).map((r) => r.drive_letter));
      escrowRequired = w.protectedDrives.some((d) => !have.has(d));
    }
    return { receivedAtMs: w.receivedAtMs, duplicate: false, escrowRequired, history: history.usage(w.assetId) };
  };
  // Write transactions begin IMMEDIATE: the checkpoint thread's connection is a second one on the file, and a deferred
  // transaction that read before it wrote can be refused at once (SQLITE_BUSY, no busy wait) when it upgrades.
  const writeBatch = db.transaction((batch: readonly HeartbeatWrite[]) => batch.map(writeOne));

  const register = db.transaction((input: RegisterInput) => {
    const existing = q.agentByFingerprint.get(input.fingerprint);
    if (existing) {
      q.reEnroll.run(input.tokenHash, input.hostname, existing.asset_id);
      return { assetId: existing.asset_id, replacedTokenHash: existing.token_hash };
    }
    q.insertAgent.run(input.newAssetId, input.fingerprint, input.hostname, input.tokenHash, input.nowMs);
    return { assetId: input.newAssetId, replacedTokenHash: null };
  });

  const readEscrow = db.transaction((audit: EscrowAudit) => {
    const keys = q.escrowKeys.all(audit.assetId).map((r) => ({
      keyId: r.key_id,
      driveLetter: r.drive_letter,
      ciphertext: r.ciphertext,
      escrowedAtMs: r.escrowed_at,
    }));
    q.insertAudit.run(audit.auditId, audit.actor, audit.readAtMs, audit.assetId, JSON.stringify(keys.map((k) => k.keyId)));
    return { keys };
  });

  return {
    kind: 'sqlite',
    ...history.methods,
    async getSetting(name) {
      return q.getSetting.get(name)?.value;
    },
    async putSettingIfAbsent(name, value) {
      q.putSetting.run(name, value);
      return durable(q.getSetting.get(name)!.value);
    },
    async registerAgent(input) {
      return durable(register.immediate(input));
    },
    async findAssetByTokenHash(hash) {
      return q.byToken.get(hash)?.asset_id;
    },
    async ensureLegacyAgent(assetId, nowMs) {
      q.legacyAgent.run(assetId, nowMs);
      await flusher.flush();
    },
    async writeHeartbeats(batch) {
      return durable(writeBatch.immediate(batch));
    },
    async listAgents() {
      return q.listAgents.all().map(toAgentRow);
    },
    async listAgentPage(query) {
      return listAgentPage(query);
    },
    async countAgentPage(query) {
      return countAgentPage(query);
    },
    async countAgents(onlineSinceMs) {
      const r = countStatement.get(onlineSinceMs)!;
      return { total: r.total, online: r.online, offline: r.total - r.online - r.never_seen, never_seen: r.never_seen };
    },
    async getAgent(assetId) {
      const r = q.getAgent.get(assetId);
      return r ? { ...toAgentRow(r), latestPayloadJson: r.payload ?? null } : undefined;
    },
    async listHeartbeats(assetId, limit, beforeId) {
      return q.history.all(assetId, beforeId ?? Number.MAX_SAFE_INTEGER, limit).map(
        (r): HeartbeatRow => ({
          id: r.id,
          receivedAtMs: r.received_at,
          partial: r.partial === 1,
          clockSkewS: r.clock_skew_s,
          payloadJson: r.payload,
        }),
      );
    },
    async heartbeatSizes(assetId, limit, beforeId) {
      return q.historySizes.all(assetId, beforeId ?? Number.MAX_SAFE_INTEGER, limit) as Array<[number, number]>;
    },
    async readEscrow(audit): Promise<{ keys: EscrowRow[] }> {
      return durable(readEscrow.immediate(audit)); // ESC-2: the audit row is durable before the keys leave
    },
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      await flusher.idle();
      await walSync?.close();
      await checkpointer?.stop(); // first, so this connection is the last one and removes the WAL as it closes
      if (db.open) db.close();
    },
  };
}
