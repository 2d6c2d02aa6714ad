/**
 * HB-7's retry detection, the SQL both stores share: two unique indexes, one on the agent's timestamp text and one on
 * the Idempotency-Key, each with the asset id second.
 *
 * Why that order: with the asset id first, every heartbeat of a batch landed on its own agent's leaf page of each
 * index, so each index cost one random page write per heartbeat (in the WAL, then in the checkpoint). Timestamps and
 * the reference agent's keys (`<timestamp>/<asset id>`) grow with time, so new entries now land on the last few pages.
 * Store bench, 2,000 agents x 30 heartbeats in batches of 50 (issue 13): 36.4 -> 23.3 KB written per heartbeat,
 * 83-92 -> 64-67 µs per heartbeat, p99 of a batch 41-58 -> 21 ms. Keys in any other shape still work; they only
 * land where they sort.
 */

/** The migration: the two indexes rebuilt with the time-ordered column first (same names, same uniqueness). */
export const DEDUPE_INDEX_MIGRATION_SQL = [
  'DROP INDEX heartbeats_retry',
  'DROP INDEX heartbeats_idem',
  'CREATE UNIQUE INDEX heartbeats_retry ON heartbeats (ts_raw, asset_id)',
  'CREATE UNIQUE INDEX heartbeats_idem ON heartbeats (idempotency_key, asset_id) WHERE idempotency_key IS NOT NULL',
];

/**
 * The receive time of the heartbeat a retry repeats (same asset and timestamp text, or same asset and key), given the
 * placeholders of the asset id, the timestamp and the key. Two lookups, one per index: written as one `OR`, SQLite
 * chose to walk the agent's whole history by `heartbeats_by_asset` instead (its plan, without ANALYZE statistics).
 */
export function retryOriginalSql(asset: string, timestamp: string, key: string): string {
  return `SELECT received_at FROM (
       SELECT id, received_at FROM heartbeats WHERE ts_raw = ${timestamp} AND asset_id = ${asset}
       UNION ALL
       SELECT id, received_at FROM heartbeats WHERE idempotency_key = ${key} AND asset_id = ${asset}) AS original
     ORDER BY id LIMIT 1`;
}
