/**
 * FLT-5: the SQL of one fleet-list page and of the fleet counts, shared by the SQLite and PostgreSQL stores. Pages are
 * keyset pages (WHERE (key, asset_id) > (last key, last asset_id) ORDER BY key, asset_id LIMIT n) over expression
 * indexes, so page 1,000 of 100,000 agents costs what page 1 costs; OFFSET would scan every skipped row.
 */
import type { AgentPageQuery, FleetSortField } from './store.js';

/** The expression each sort orders by; the stores index exactly these expressions (same text, or the index is unused). */
export const SORT_EXPRESSIONS: Record<FleetSortField, string> = {
  hostname: "lower(coalesce(hostname, ''))",
  // Never seen sorts as the oldest (-1): "longest silent first" puts them at the top.
  last_seen: 'coalesce(last_seen_at, -1)',
};

/** The migration statements both stores run: the two sort indexes (the last_seen one also serves status filters and counts). */
export const FLEET_INDEX_SQL = [
  `CREATE INDEX agents_by_host ON agents ((${SORT_EXPRESSIONS.hostname}), asset_id)`,
  `CREATE INDEX agents_by_seen ON agents ((${SORT_EXPRESSIONS.last_seen}), asset_id)`,
];

/** Escapes LIKE wildcards so a search for `50%_off` matches those characters literally. */
export function likeContains(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Builds the page query; `param` returns the placeholder for a value (`?` for SQLite, `$n` for PostgreSQL). The
 * hostname search is instr() on SQLite (its LIKE stops at a U+0000 in the pattern; lower() folds ASCII only) and
 * ILIKE on PostgreSQL (full Unicode case folding).
 */
export function agentPageSql(q: AgentPageQuery, param: (value: unknown) => string, dialect: 'sqlite' | 'postgres'): string {
  const key = SORT_EXPRESSIONS[q.sort];
  const where = filters(q, param, dialect);
  const cmp = q.descending ? '<' : '>';
  if (q.after) {
    // Without a key in the cursor (hostname order) the previous page's last agent's own key is looked up.
    const after = q.after.key !== undefined ? param(q.after.key) : `(SELECT ${key} FROM agents WHERE asset_id = ${param(q.after.assetId)})`;
    where.push(`(${key}, asset_id) ${cmp} (${after}, ${param(q.after.assetId)})`);
  }
  const dir = q.descending ? 'DESC' : 'ASC';
  return `SELECT asset_id, hostname, registered_at, last_seen_at, partial, clock_skew_s, ${key} AS sort_key FROM agents
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${key} ${dir}, asset_id ${dir} LIMIT ${param(q.limit)}`;
}

/** Counts the agents the page query's filters match over all pages (the `matched` figure of a search). */
export function agentMatchCountSql(q: AgentPageQuery, param: (value: unknown) => string, dialect: 'sqlite' | 'postgres'): string {
  const where = filters(q, param, dialect);
  return `SELECT count(*) AS n FROM agents ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`;
}

function filters(q: AgentPageQuery, param: (value: unknown) => string, dialect: 'sqlite' | 'postgres'): string[] {
  const seen = SORT_EXPRESSIONS.last_seen;
  const where: string[] = [];
  // Status filters as ranges of the indexed last_seen expression (FLT-2: online iff last_seen_at >= now - offline_after).
  if (q.status === 'online') where.push(`${seen} >= ${param(q.onlineSinceMs)}`);
  if (q.status === 'offline') where.push(`${seen} >= 0 AND ${seen} < ${param(q.onlineSinceMs)}`);
  if (q.status === 'never_seen') where.push(`${seen} = -1`);
  if (q.search !== undefined) {
    where.push(dialect === 'sqlite' ? `instr(lower(hostname), lower(${param(q.search)})) > 0` : `hostname ILIKE ${param(likeContains(q.search))} ESCAPE '\\'`);
  }
  return where;
}

/** Counts of the whole fleet by status in one pass over the last_seen index (FLT-5: counts never depend on the page). */
export function fleetCountsSql(param: (value: unknown) => string, onlineSinceMs: number): string {
  const seen = SORT_EXPRESSIONS.last_seen;
  return `SELECT count(*) AS total,
    coalesce(sum(CASE WHEN ${seen} = -1 THEN 1 ELSE 0 END), 0) AS never_seen,
    coalesce(sum(CASE WHEN ${seen} >= ${param(onlineSinceMs)} THEN 1 ELSE 0 END), 0) AS online
    FROM agents`;
}
