/**
 * Retention of heartbeat history on PostgreSQL: usage, and bounded pruning steps (see history-sql.ts). Each step runs
 * in a transaction holding one advisory lock, so several servers on one database never prune the same rows twice;
 * commits take no part in it (they raise `agents.stored_*`, pruning raises `history_pruned`), so they never wait for it.
 */
import type pg from 'pg';
import { rowsToPrune, sqlLimit, SWEEP_START, USAGE_COLUMNS } from './history-sql.js';
import type { PruneStep, Store } from './store.js';

type HistoryMethods = Pick<Store, 'pruneExpired' | 'pruneAgentHistory' | 'agentsOverHistoryLimits' | 'historyUsage'>;

/** Advisory lock key of pruning (the migrator holds 7315001). */
const PRUNE_LOCK = 7315002;

const num = (v: unknown): number => Number(v);

/** Deletes heartbeats by id and adds what each agent lost to history_pruned, in one statement (agent rows in asset_id order). */
const DELETE_SQL = `WITH del AS (DELETE FROM heartbeats WHERE id = ANY($1::int8[]) RETURNING asset_id, octet_length(payload) AS bytes),
  up AS (
    INSERT INTO history_pruned (asset_id, pruned_count, pruned_bytes)
    SELECT asset_id, count(*), sum(bytes) FROM del GROUP BY asset_id ORDER BY asset_id
    ON CONFLICT (asset_id) DO UPDATE SET pruned_count = history_pruned.pruned_count + excluded.pruned_count,
      pruned_bytes = history_pruned.pruned_bytes + excluded.pruned_bytes)
  SELECT count(*) AS n, coalesce(sum(bytes), 0) AS b FROM del`;

/** The PostgreSQL store's retention methods; `tx` runs a function in a transaction on one pooled client. */
export function postgresHistory(pool: pg.Pool, tx: <T>(fn: (c: pg.PoolClient) => Promise<T>) => Promise<T>): HistoryMethods {
  const remove = async (c: pg.PoolClient, ids: number[]): Promise<{ deletedRows: number; deletedBytes: number }> => {
    if (ids.length === 0) return { deletedRows: 0, deletedBytes: 0 };
    const { rows } = await c.query(DELETE_SQL, [ids]);
    return { deletedRows: num(rows[0]?.n), deletedBytes: num(rows[0]?.b) };
  };
  return {
    async historyUsage(assetId) {
      const { rows } = await pool.query(`SELECT ${USAGE_COLUMNS} FROM agents a LEFT JOIN history_pruned p ON p.asset_id = a.asset_id WHERE a.asset_id = $1`, [
        assetId,
      ]);
      return rows[0] ? { count: num(rows[0].count), bytes: num(rows[0].bytes) } : undefined;
    },
    async agentsOverHistoryLimits(limits, max) {
      const { rows } = await pool.query(
        `SELECT a.asset_id FROM agents a LEFT JOIN history_pruned p ON p.asset_id = a.asset_id
         WHERE a.stored_count - coalesce(p.pruned_count, 0) > $1 OR a.stored_bytes - coalesce(p.pruned_bytes, 0) > $2 LIMIT $3`,
        [sqlLimit(limits.maxCount), sqlLimit(limits.maxBytes), max],
      );
      return rows.map((r) => r.asset_id as string);
    },
    pruneExpired: (cutoffMs, maxRows, after = SWEEP_START) =>
      tx(async (c): Promise<PruneStep> => {
        await c.query('SELECT pg_advisory_xact_lock($1)', [PRUNE_LOCK]);
        const { rows } = await c.query(
          `SELECT h.id, h.received_at, h.id = a.latest_heartbeat_id AS latest
           FROM heartbeats h JOIN agents a ON a.asset_id = h.asset_id
           WHERE h.received_at < $1 AND (h.received_at, h.id) > ($2::int8, $3::int8) ORDER BY h.received_at, h.id LIMIT $4`,
          [cutoffMs, after[0], after[1], maxRows],
        );
        const last = rows.at(-1);
        const done = await remove(
          c,
          rows.filter((r) => r.latest !== true).map((r) => num(r.id)),
        );
        return { ...done, more: rows.length >= maxRows, ...(last ? { next: [num(last.received_at), num(last.id)] as [number, number] } : {}) };
      }),
    pruneAgentHistory: (assetId, limits, maxRows) =>
      tx(async (c): Promise<PruneStep> => {
        await c.query('SELECT pg_advisory_xact_lock($1)', [PRUNE_LOCK]);
        const held = await c.query(
          `SELECT ${USAGE_COLUMNS}, a.latest_heartbeat_id AS latest FROM agents a LEFT JOIN history_pruned p ON p.asset_id = a.asset_id WHERE a.asset_id = $1`,
          [assetId],
        );
        const h = held.rows[0];
        if (!h) return { deletedRows: 0, deletedBytes: 0, more: false };
        const oldest = await c.query(
          'SELECT id, octet_length(payload) AS bytes FROM heartbeats WHERE asset_id = $1 AND id IS DISTINCT FROM $2 ORDER BY id LIMIT $3',
          [assetId, h.latest, maxRows],
        );
        const candidates = oldest.rows.map((r) => ({ id: num(r.id), bytes: num(r.bytes) }));
        const pick = rowsToPrune({ count: num(h.count), bytes: num(h.bytes) }, candidates, limits, maxRows);
        return {
          ...(await remove(
            c,
            pick.rows.map((r) => r.id),
          )),
          more: pick.more,
        };
      }),
  };
}
