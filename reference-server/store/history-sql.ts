/**
 * Retention of heartbeat history, the SQL both stores share. An agent's retained history is what it ever stored
 * (`agents.stored_count`, `stored_bytes`, raised by each commit) minus what pruning removed (`history_pruned`, raised
 * only by pruning). Two rows rather than one counter, so that on PostgreSQL a commit and a prune never wait for the
 * same row lock (the commit of a batch locks several agent rows, in no fixed order).
 */
import type { HistoryLimits } from './store.js';

/** The migration statements of both stores: the counters (filled from the rows already stored) and the indexes pruning walks. */
export const HISTORY_MIGRATION_SQL = [
  'ALTER TABLE agents ADD COLUMN stored_count BIGINT NOT NULL DEFAULT 0',
  'ALTER TABLE agents ADD COLUMN stored_bytes BIGINT NOT NULL DEFAULT 0',
  `CREATE TABLE history_pruned (
     asset_id TEXT PRIMARY KEY REFERENCES agents(asset_id), pruned_count BIGINT NOT NULL, pruned_bytes BIGINT NOT NULL)`,
  // Count and byte pruning: an agent's oldest heartbeats first (also serves its history pages).
  'CREATE INDEX heartbeats_by_asset ON heartbeats (asset_id, id)',
  // Age pruning: all heartbeats by receive time (HB-8: the server's clock), oldest first.
  'CREATE INDEX heartbeats_by_age ON heartbeats (received_at, id)',
  `UPDATE agents SET
     stored_count = (SELECT count(*) FROM heartbeats h WHERE h.asset_id = agents.asset_id),
     stored_bytes = (SELECT coalesce(sum(octet_length(h.payload)), 0) FROM heartbeats h WHERE h.asset_id = agents.asset_id)`,
];

/** The retained count and bytes of agent `a` (joined with its history_pruned row `p`). */
export const USAGE_COLUMNS = 'a.stored_count - coalesce(p.pruned_count, 0) AS count, a.stored_bytes - coalesce(p.pruned_bytes, 0) AS bytes';

/** SQL placeholders cannot carry Infinity; a bound no history reaches stands for "no limit". */
export function sqlLimit(limit: number): number {
  return Number.isFinite(limit) ? limit : Number.MAX_SAFE_INTEGER;
}

/** The first heartbeat where an age sweep starts (before every real position). */
export const SWEEP_START: [number, number] = [Number.MIN_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];

/**
 * Of an agent's oldest heartbeats (oldest first, its latest excluded), the ones to delete so that it holds at most
 * `limits`: a prefix, as short as possible. `more` is true when the candidates ran out at `maxRows` while still over.
 */
export function rowsToPrune<R extends { bytes: number }>(
  usage: { count: number; bytes: number },
  candidates: readonly R[],
  limits: HistoryLimits,
  maxRows: number,
): { rows: R[]; more: boolean } {
  let { count, bytes } = usage;
  const rows: R[] = [];
  for (const c of candidates) {
    if (count <= limits.maxCount && bytes <= limits.maxBytes) break;
    rows.push(c);
    count--;
    bytes -= c.bytes;
  }
  const over = count > limits.maxCount || bytes > limits.maxBytes;
  return { rows, more: over && candidates.length >= maxRows };
}
