/** Retention of heartbeat history on SQLite: usage, and bounded pruning steps each in one transaction (see history-sql.ts). */
import type Database from 'better-sqlite3';
import { rowsToPrune, sqlLimit, SWEEP_START, USAGE_COLUMNS } from './history-sql.js';
import type { HistoryUsage, PruneStep, Store } from './store.js';

type HistoryMethods = Pick<Store, 'pruneExpired' | 'pruneAgentHistory' | 'agentsOverHistoryLimits' | 'historyUsage'>;

/** The SQLite store's retention methods, plus `usage` for the commit path (synchronous, inside its transaction). */
export function sqliteHistory(db: Database.Database): { usage: (assetId: string) => HistoryUsage | undefined; methods: HistoryMethods } {
  const q = {
    usage: db.prepare<[string], HistoryUsage & { latest: number | null }>(
      `SELECT ${USAGE_COLUMNS}, a.latest_heartbeat_id AS latest FROM agents a LEFT JOIN history_pruned p ON p.asset_id = a.asset_id WHERE a.asset_id = ?`,
    ),
    expired: db.prepare<[number, number, number, number], { id: number; asset_id: string; received_at: number; bytes: number; latest: number }>(
      `SELECT h.id, h.asset_id, h.received_at, octet_length(h.payload) AS bytes, h.id IS a.latest_heartbeat_id AS latest
       FROM heartbeats h JOIN agents a ON a.asset_id = h.asset_id
       WHERE h.received_at < ? AND (h.received_at, h.id) > (?, ?) ORDER BY h.received_at, h.id LIMIT ?`,
    ),
    oldest: db.prepare<[string, number | null, number], { id: number; bytes: number }>(
      'SELECT id, octet_length(payload) AS bytes FROM heartbeats WHERE asset_id = ? AND id IS NOT ? ORDER BY id LIMIT ?',
    ),
    over: db.prepare<[number, number, number], { asset_id: string }>(
      `SELECT a.asset_id FROM agents a LEFT JOIN history_pruned p ON p.asset_id = a.asset_id
       WHERE a.stored_count - coalesce(p.pruned_count, 0) > ? OR a.stored_bytes - coalesce(p.pruned_bytes, 0) > ? LIMIT ?`,
    ),
    remove: db.prepare('DELETE FROM heartbeats WHERE id = ?'),
    pruned: db.prepare(
      `INSERT INTO history_pruned (asset_id, pruned_count, pruned_bytes) VALUES (?, ?, ?) ON CONFLICT (asset_id) DO UPDATE SET
       pruned_count = pruned_count + excluded.pruned_count, pruned_bytes = pruned_bytes + excluded.pruned_bytes`,
    ),
  };

  /** Deletes the rows and records what each agent lost; returns the rows and bytes deleted. */
  const remove = (rows: ReadonlyArray<{ id: number; assetId: string; bytes: number }>) => {
    const byAgent = new Map<string, [number, number]>();
    for (const r of rows) {
      q.remove.run(r.id);
      const t = byAgent.get(r.assetId) ?? [0, 0];
      byAgent.set(r.assetId, [t[0] + 1, t[1] + r.bytes]);
    }
    let bytes = 0;
    for (const [assetId, [n, b]] of byAgent) {
      q.pruned.run(assetId, n, b);
      bytes += b;
    }
    return { deletedRows: rows.length, deletedBytes: bytes };
  };

  const pruneExpired = db.transaction((cutoffMs: number, maxRows: number, after: [number, number]): PruneStep => {
    const rows = q.expired.all(cutoffMs, after[0], after[1], maxRows);
    const last = rows.at(-1);
    const done = remove(rows.filter((r) => r.latest !== 1).map((r) => ({ id: r.id, assetId: r.asset_id, bytes: r.bytes })));
    return { ...done, more: rows.length >= maxRows, ...(last ? { next: [last.received_at, last.id] as [number, number] } : {}) };
  });

  const pruneAgent = db.transaction((assetId: string, maxCount: number, maxBytes: number, maxRows: number): PruneStep => {
    const held = q.usage.get(assetId);
    if (!held) return { deletedRows: 0, deletedBytes: 0, more: false };
    const pick = rowsToPrune(held, q.oldest.all(assetId, held.latest, maxRows), { maxCount, maxBytes }, maxRows);
    return { ...remove(pick.rows.map((r) => ({ id: r.id, assetId, bytes: r.bytes }))), more: pick.more };
  });

  const usage = (assetId: string): HistoryUsage | undefined => {
    const u = q.usage.get(assetId);
    return u ? { count: u.count, bytes: u.bytes } : undefined;
  };
  const methods: HistoryMethods = {
    async historyUsage(assetId) {
      return usage(assetId);
    },
    async pruneExpired(cutoffMs, maxRows, after) {
      return pruneExpired.immediate(cutoffMs, maxRows, after ?? SWEEP_START);
    },
    async pruneAgentHistory(assetId, limits, maxRows) {
      return pruneAgent.immediate(assetId, limits.maxCount, limits.maxBytes, maxRows);
    },
    async agentsOverHistoryLimits(limits, max) {
      return q.over.all(sqlLimit(limits.maxCount), sqlLimit(limits.maxBytes), max).map((r) => r.asset_id);
    },
  };
  return { usage, methods };
}
