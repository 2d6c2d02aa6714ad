import pg from 'pg';
import { MIGRATIONS, parsePostgresUrl, pgFingerprint, pgText } from './postgres-support.js';
import { retryOriginalSql } from './dedupe-index-sql.js';
import { agentMatchCountSql, agentPageSql, fleetCountsSql } from './fleet-page-sql.js';
import { postgresHistory } from './postgres-history.js';
import { REVOCATION_CHANNEL, revocationPayload } from './postgres-revocations.js';
import type { AgentRow, EscrowAudit, EscrowRow, HeartbeatRow, HeartbeatWrite, HeartbeatWriteResult, HistoryUsage, RegisterInput, Store } from './store.js';

/** HB-7: the receive time of the heartbeat a retry repeats ($1 asset, $2 timestamp text, $3 Idempotency-Key). */
const RETRY_ORIGINAL_SQL = retryOriginalSql('$1', '$2', '$3');
// BIGINT comes back as a string from pg; epoch milliseconds fit a double exactly.
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** A commit moves the agent's "latest" columns only for a heartbeat at least as new as the one it holds (concurrent commits). */
const NEWER = (receivedAt: string) => `(a.last_seen_at IS NULL OR a.last_seen_at <= ${receivedAt})`;
const ifNewer = (receivedAt: string, sets: Array<[column: string, value: string]>) =>
  sets.map(([column, value]) => `${column} = CASE WHEN ${NEWER(receivedAt)} THEN ${value} ELSE a.${column} END`).join(', ');
/** The agent's retained history after the commit: what it ever stored (upd `u`) minus what was pruned (`p`). */
const RETAINED = 'u.stored_count - coalesce(p.pruned_count, 0) AS history_count, u.stored_bytes - coalesce(p.pruned_bytes, 0) AS history_bytes';
const retainedOf = (r: Record<string, unknown> | undefined): HistoryUsage | undefined =>
  r ? { count: num(r.history_count), bytes: num(r.history_bytes) } : undefined;

function toAgentRow(r: Record<string, unknown>): AgentRow {
  return {
    assetId: r.asset_id as string,
    hostname: (r.hostname as string | null) ?? null,
    registeredAtMs: num(r.registered_at),
    lastSeenAtMs: numOrNull(r.last_seen_at),
    partial: r.partial === true,
    clockSkewS: numOrNull(r.clock_skew_s),
  };
}

/** Opens a PostgreSQL store, creating the `?schema=` schema if missing and running migrations. */
export async function openPostgresStore(url: string): Promise<Store> {
  const { connectionString, schema } = parsePostgresUrl(url);
  if (schema) {
    const admin = new pg.Client({ connectionString });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString,
    max: 8,
    ...(schema ? { options: `-c search_path="${schema}"` } : {}),
  });
  // An idle client losing its connection must not crash the server; the next query reports the failure.
  pool.on('error', () => undefined);

  const tx = async <T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  };

  await tx(async (c) => {
    // One migrator at a time even when several servers start on the same schema.
    await c.query('SELECT pg_advisory_xact_lock(7315001)');
    await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)');
    const { rows } = await c.query('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations');
    for (let v = Number(rows[0]?.v ?? 0); v < MIGRATIONS.length; v++) {
      await c.query(MIGRATIONS[v]!);
      await c.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v + 1]);
    }
  });

  const writeOne = async (c: pg.PoolClient, w: HeartbeatWrite): Promise<HeartbeatWriteResult> => {
    // One round trip: insert and, unless it was a retry or a newer heartbeat already committed concurrently, point the agent at it.
    // The counters of retained history rise whenever a row went in, newer or not (retention, history-sql.ts).
    const ins = await c.query(
      `WITH ins AS (
         INSERT INTO heartbeats (asset_id, ts_raw, idempotency_key, received_at, partial, clock_skew_s, payload)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id, octet_length(payload) AS bytes),
       upd AS (
         UPDATE agents a SET ${ifNewer('$4', [
           ['last_seen_at', '$4'],
           ['partial', '$5'],
           ['clock_skew_s', '$6'],
           ['latest_heartbeat_id', '(SELECT id FROM ins)'],
         ])},
           hostname = CASE WHEN ${NEWER('$4')} THEN COALESCE($8, a.hostname) ELSE a.hostname END,
           stored_count = a.stored_count + 1, stored_bytes = a.stored_bytes + (SELECT bytes FROM ins)
         WHERE asset_id = $1 AND EXISTS (SELECT 1 FROM ins) RETURNING a.stored_count, a.stored_bytes)
       SELECT id, ${RETAINED} FROM ins, upd u LEFT JOIN history_pruned p ON p.asset_id = $1`,
      [w.assetId, pgText(w.timestampRaw), pgText(w.idempotencyKey), w.receivedAtMs, w.partial, w.clockSkewS, w.payloadJson, pgText(w.hostname)],
    );
    const id = ins.rows[0]?.id as string | undefined;
    if (id === undefined) {
      // HB-7: a retry; answer with the original receive time and store nothing.
      const orig = await c.query(RETRY_ORIGINAL_SQL, [w.assetId, pgText(w.timestampRaw), pgText(w.idempotencyKey)]);
      return { receivedAtMs: orig.rows[0] ? num(orig.rows[0].received_at) : w.receivedAtMs, duplicate: true, escrowRequired: false };
    }
    for (const e of w.escrow) {
      await c.query(
        `INSERT INTO escrow_keys (key_id, asset_id, drive_letter, ciphertext, digest, escrowed_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [e.keyId, w.assetId, pgText(e.driveLetter), e.ciphertext, e.digest, w.receivedAtMs],
      );
    }
    let escrowRequired = false;
    if (w.protectedDrives.length > 0) {
      const have = await c.query('SELECT DISTINCT drive_letter FROM escrow_keys WHERE asset_id = $1', [w.assetId]);
      const set = new Set(have.rows.map((r) => r.drive_letter as string));
      escrowRequired = w.protectedDrives.some((d) => !set.has(pgText(d)));
    }
    return { receivedAtMs: w.receivedAtMs, duplicate: false, escrowRequired, history: retainedOf(ins.rows[0]) };
  };

  /**
   * The common case (no key to escrow, no escrow check) in ONE autocommitted statement for the whole batch: the
   * heartbeats go in through unnest, and each agent is pointed at its newest inserted one. One round trip per batch
   * instead of BEGIN, one per heartbeat and COMMIT. Rows are matched back to the batch by (asset, timestamp, key, time).
   */
  const writeBatchOneStatement = async (batch: readonly HeartbeatWrite[]): Promise<HeartbeatWriteResult[]> => {
    const col = <T>(f: (w: HeartbeatWrite) => T) => batch.map(f);
    const { rows } = await pool.query(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::bool[], $6::float8[], $7::text[], $8::text[])
           WITH ORDINALITY AS t(asset_id, ts_raw, idem, received_at, partial, skew, payload, hostname, ord)),
       ins AS (
         INSERT INTO heartbeats (asset_id, ts_raw, idempotency_key, received_at, partial, clock_skew_s, payload)
         SELECT asset_id, ts_raw, idem, received_at, partial, skew, payload FROM input ORDER BY ord
         ON CONFLICT DO NOTHING
         RETURNING id, asset_id, ts_raw, idempotency_key, received_at, partial, clock_skew_s, octet_length(payload) AS bytes),
       latest AS (
         SELECT DISTINCT ON (i.asset_id) i.id, i.asset_id, i.received_at, i.partial, i.clock_skew_s,
           (SELECT inp.hostname FROM input inp WHERE inp.asset_id = i.asset_id AND inp.ts_raw = i.ts_raw LIMIT 1) AS hostname,
           count(*) OVER (PARTITION BY i.asset_id) AS n, sum(i.bytes) OVER (PARTITION BY i.asset_id) AS b
         FROM ins i ORDER BY i.asset_id, i.received_at DESC, i.id DESC),
       upd AS (
         UPDATE agents a SET ${ifNewer('l.received_at', [
           ['last_seen_at', 'l.received_at'],
           ['partial', 'l.partial'],
           ['clock_skew_s', 'l.clock_skew_s'],
           ['latest_heartbeat_id', 'l.id'],
         ])},
           hostname = CASE WHEN ${NEWER('l.received_at')} THEN COALESCE(l.hostname, a.hostname) ELSE a.hostname END,
           stored_count = a.stored_count + l.n, stored_bytes = a.stored_bytes + l.b
         FROM latest l WHERE a.asset_id = l.asset_id
         RETURNING a.asset_id, a.stored_count, a.stored_bytes)
       SELECT i.asset_id, i.ts_raw, i.idempotency_key, i.received_at, ${RETAINED}
       FROM ins i JOIN upd u ON u.asset_id = i.asset_id LEFT JOIN history_pruned p ON p.asset_id = i.asset_id`,
      [
        col((w) => w.assetId),
        col((w) => pgText(w.timestampRaw)),
        col((w) => pgText(w.idempotencyKey)),
        col((w) => w.receivedAtMs),
        col((w) => w.partial),
        col((w) => w.clockSkewS),
        col((w) => w.payloadJson),
        col((w) => pgText(w.hostname)),
      ],
    );
    const key = (a: string, t: string, k: string | null, r: number) => `${a}\u0000${t}\u0000${k ?? ''}\u0000${r}`;
    const inserted = new Map<string, number>();
    const retained = new Map<string, HistoryUsage>();
    for (const r of rows) {
      const k = key(r.asset_id as string, r.ts_raw as string, (r.idempotency_key as string | null) ?? null, num(r.received_at));
      inserted.set(k, (inserted.get(k) ?? 0) + 1);
      retained.set(r.asset_id as string, retainedOf(r)!);
    }
    const out: HeartbeatWriteResult[] = [];
    for (const w of batch) {
      const k = key(w.assetId, pgText(w.timestampRaw), pgText(w.idempotencyKey), w.receivedAtMs);
      const left = inserted.get(k) ?? 0;
      if (left > 0) {
        inserted.set(k, left - 1);
        out.push({ receivedAtMs: w.receivedAtMs, duplicate: false, escrowRequired: false, history: retained.get(w.assetId) });
        continue;
      }
      // HB-7: a retry (of a stored heartbeat, or of one earlier in this batch): answer with the original receive time.
      const orig = await pool.query(RETRY_ORIGINAL_SQL, [w.assetId, pgText(w.timestampRaw), pgText(w.idempotencyKey)]);
      out.push({ receivedAtMs: orig.rows[0] ? num(orig.rows[0].received_at) : w.receivedAtMs, duplicate: true, escrowRequired: false });
    }
    return out;
  };

  return {
    kind: 'postgres',
    ...postgresHistory(pool, tx),
    async getSetting(name) {
      const { rows } = await pool.query('SELECT value FROM settings WHERE name = $1', [name]);
      return rows[0]?.value as string | undefined;
    },
    async putSettingIfAbsent(name, value) {
      await pool.query('INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING', [name, value]);
      const { rows } = await pool.query('SELECT value FROM settings WHERE name = $1', [name]);
      return rows[0]!.value as string;
    },
    registerAgent: (raw: RegisterInput) =>
      tx(async (c) => {
        const input = { ...raw, fingerprint: pgFingerprint(raw.fingerprint), hostname: pgText(raw.hostname) }; // D9
        // Serialise registrations of one fingerprint so two concurrent enrollments get the same asset_id (REG-3).
        await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [input.fingerprint]);
        const { rows } = await c.query('SELECT asset_id, token_hash FROM agents WHERE fingerprint = $1', [input.fingerprint]);
        const existing = rows[0] as { asset_id: string; token_hash: string | null } | undefined;
        if (existing) {
          await c.query('UPDATE agents SET token_hash = $1, hostname = COALESCE(hostname, $2) WHERE asset_id = $3', [
            input.tokenHash,
            input.hostname,
            existing.asset_id,
          ]);
          // REG-3 on every instance: delivered at commit to each server's revocation listener (postgres-revocations.ts).
          if (existing.token_hash) await c.query('SELECT pg_notify($1, $2)', [REVOCATION_CHANNEL, revocationPayload(schema, existing.token_hash)]);
          return { assetId: existing.asset_id, replacedTokenHash: existing.token_hash };
        }
        await c.query('INSERT INTO agents (asset_id, fingerprint, hostname, token_hash, registered_at) VALUES ($1, $2, $3, $4, $5)', [
          input.newAssetId,
          input.fingerprint,
          input.hostname,
          input.tokenHash,
          input.nowMs,
        ]);
        return { assetId: input.newAssetId, replacedTokenHash: null };
      }),
    async findAssetByTokenHash(hash) {
      const { rows } = await pool.query('SELECT asset_id FROM agents WHERE token_hash = $1', [hash]);
      return rows[0]?.asset_id as string | undefined;
    },
    async ensureLegacyAgent(assetId, nowMs) {
      await pool.query('INSERT INTO agents (asset_id, registered_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [assetId, nowMs]);
    },
    writeHeartbeats: (batch) =>
      batch.every((w) => w.escrow.length === 0 && w.protectedDrives.length === 0)
        ? writeBatchOneStatement(batch)
        : tx(async (c) => {
            // Agent rows are locked in asset_id order, so concurrent group commits cannot deadlock on them.
            const order = batch
              .map((_, i) => i)
              .sort((a, b) => (batch[a]!.assetId < batch[b]!.assetId ? -1 : batch[a]!.assetId > batch[b]!.assetId ? 1 : a - b));
            const out: HeartbeatWriteResult[] = new Array(batch.length);
            for (const i of order) out[i] = await writeOne(c, batch[i]!);
            return out;
          }),
    async listAgents() {
      const { rows } = await pool.query(
        'SELECT asset_id, hostname, registered_at, last_seen_at, partial, clock_skew_s FROM agents ORDER BY registered_at, asset_id',
      );
      return rows.map(toAgentRow);
    },
    async listAgentPage(query) {
      const args: unknown[] = [];
      const sql = agentPageSql(
        query,
        (v) => {
          args.push(typeof v === 'string' ? pgText(v) : v);
          return `$${args.length}`;
        },
        'postgres',
      );
      const { rows } = await pool.query(sql, args);
      return rows.map((r) => ({
        ...toAgentRow(r),
        sortKey: typeof r.sort_key === 'string' && query.sort === 'last_seen' ? num(r.sort_key) : (r.sort_key as string | number),
      }));
    },
    async countAgentPage(query) {
      const args: unknown[] = [];
      const sql = agentMatchCountSql(
        query,
        (v) => {
          args.push(typeof v === 'string' ? pgText(v) : v);
          return `$${args.length}`;
        },
        'postgres',
      );
      const { rows } = await pool.query(sql, args);
      return num(rows[0]?.n);
    },
    async countAgents(onlineSinceMs) {
      const { rows } = await pool.query(
        fleetCountsSql(() => '$1', 0),
        [onlineSinceMs],
      );
      const r = rows[0] as { total: string; online: string; never_seen: string };
      const total = num(r.total),
        online = num(r.online),
        neverSeen = num(r.never_seen);
      return { total, online, offline: total - online - neverSeen, never_seen: neverSeen };
    },
    async getAgent(assetId) {
      const { rows } = await pool.query(
        `SELECT a.asset_id, a.hostname, a.registered_at, a.last_seen_at, a.partial, a.clock_skew_s, h.payload
         FROM agents a LEFT JOIN heartbeats h ON h.id = a.latest_heartbeat_id WHERE a.asset_id = $1`,
        [assetId],
      );
      const r = rows[0] as Record<string, unknown> | undefined;
      return r ? { ...toAgentRow(r), latestPayloadJson: (r.payload as string | null) ?? null } : undefined;
    },
    async listHeartbeats(assetId, limit, beforeId) {
      const { rows } = await pool.query(
        'SELECT id, received_at, partial, clock_skew_s, payload FROM heartbeats WHERE asset_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3',
        [assetId, beforeId ?? Number.MAX_SAFE_INTEGER, limit],
      );
      return rows.map(
        (r): HeartbeatRow => ({
          id: num(r.id),
          receivedAtMs: num(r.received_at),
          partial: r.partial === true,
          clockSkewS: num(r.clock_skew_s),
          payloadJson: r.payload as string,
        }),
      );
    },
    async heartbeatSizes(assetId, limit, beforeId) {
      // octet_length of a TOASTed text reads its size from the TOAST pointer, without fetching the value.
      const { rows } = await pool.query('SELECT id, octet_length(payload) AS bytes FROM heartbeats WHERE asset_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3', [
        assetId,
        beforeId ?? Number.MAX_SAFE_INTEGER,
        limit,
      ]);
      return rows.map((r): [number, number] => [num(r.id), num(r.bytes)]);
    },
    readEscrow: (audit: EscrowAudit) =>
      tx(async (c) => {
        const { rows } = await c.query(
          'SELECT key_id, drive_letter, ciphertext, escrowed_at FROM escrow_keys WHERE asset_id = $1 ORDER BY escrowed_at, key_id',
          [audit.assetId],
        );
        const keys = rows.map(
          (r): EscrowRow => ({
            keyId: r.key_id as string,
            driveLetter: r.drive_letter as string,
            ciphertext: r.ciphertext as string,
            escrowedAtMs: num(r.escrowed_at),
          }),
        );
        await c.query('INSERT INTO escrow_audit (audit_id, actor, read_at, asset_id, key_ids) VALUES ($1, $2, $3, $4, $5)', [
          audit.auditId,
          audit.actor,
          audit.readAtMs,
          audit.assetId,
          JSON.stringify(keys.map((k) => k.keyId)),
        ]);
        return { keys };
      }),
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}
