/**
 * GET /api/agents (FLT-1, FLT-5): one keyset page of the fleet, filtered by status and hostname, with the counts of
 * the whole fleet and the offline threshold in force. Cursors are opaque to clients: base64url JSON naming the sort
 * order they belong to and the page's last agent (plus its last-seen time, which moves with every heartbeat).
 */
import type { Request, Response } from 'express';
import { FleetListQuerySchema, FleetSortSchema, limits, validateMessage, type FleetList } from '@lanet/contracts';
import type { AgentPageQuery, FleetSortField } from '../store/store.js';
import type { AppContext } from './app-context.js';
import { toFleetAgent } from './fleet-routes.js';
import { HttpProblem } from './problem.js';
import { requestStore } from './store-deadline.js';

interface CursorBody {
  s: string;
  a: string;
  k?: number;
}

/** Encodes the position after `row` for the sort `sort`. */
export function encodeFleetCursor(sort: string, assetId: string, key: string | number): string {
  const body: CursorBody = { s: sort, a: assetId };
  if (typeof key === 'number') body.k = key; // last_seen moves, so it travels; a hostname key is looked up instead
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

function badCursor(why: string): HttpProblem {
  return new HttpProblem(400, 'validation', 'Invalid cursor', `${why}; pass next_cursor from the previous page unchanged, with the same sort.`, {
    errors: [{ path: '/cursor', message: why }],
  });
}

/** Decodes a cursor this server issued for `sort`; a 400 for anything else (GEN-6: never a 5xx). */
export function decodeFleetCursor(cursor: string, sort: string, field: FleetSortField): NonNullable<AgentPageQuery['after']> {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor('not a cursor this server issued');
  }
  const b = body as Partial<CursorBody> | null;
  if (typeof b !== 'object' || b === null || typeof b.a !== 'string' || !/^[0-9a-f-]{36}$/i.test(b.a) || typeof b.s !== 'string')
    throw badCursor('not a cursor this server issued');
  if (b.s !== sort) throw badCursor(`the cursor belongs to sort=${b.s.slice(0, 16)}, not sort=${sort}`);
  if (field === 'last_seen') {
    if (typeof b.k !== 'number' || !Number.isSafeInteger(b.k)) throw badCursor('not a cursor this server issued');
    return { key: b.k, assetId: b.a };
  }
  return { assetId: b.a };
}

/** GET /api/agents (FLT-1, FLT-5). */
export function listAgentsHandler(ctx: AppContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const parsed = validateMessage(FleetListQuerySchema, req.query);
    if (!parsed.ok) {
      throw new HttpProblem(
        400,
        'validation',
        'Invalid query',
        `limit must be 1..${limits.fleetPageMax}, status one of online|offline|never_seen, q 1..${limits.hostnameMax} characters, sort one of ${FleetSortSchema.options.join('|')}.`,
        { errors: parsed.errors },
      );
    }
    const query = parsed.value;
    const sort = query.sort ?? 'hostname';
    const field: FleetSortField = sort.endsWith('hostname') ? 'hostname' : 'last_seen';
    const limit = query.limit ?? limits.fleetPageDefault;
    const now = Date.now();
    // FLT-2: online iff now - last_seen_at <= offline_after; last_seen_at is integer milliseconds, hence the ceiling.
    const onlineSinceMs = Math.ceil(now - ctx.config.offlineAfterS * 1000);
    const page: AgentPageQuery = {
      limit: limit + 1,
      sort: field,
      descending: sort.startsWith('-'),
      onlineSinceMs,
      ...(query.cursor !== undefined ? { after: decodeFleetCursor(query.cursor, sort, field) } : {}),
      ...(query.status !== undefined ? { status: query.status } : {}),
      ...(query.q !== undefined ? { search: query.q } : {}),
    };
    const store = requestStore(ctx.store, req); // GEN-8: 503 + Retry-After if the store does not answer in time
    const [rows, counts] = await Promise.all([store.listAgentPage(page), store.countAgents(onlineSinceMs)]);
    // Matches over all pages: from the counts without a search; a search costs one counting scan, on the first page only.
    let matched: number | undefined = query.status !== undefined ? counts[query.status] : counts.total;
    if (query.q !== undefined) matched = query.cursor === undefined ? await store.countAgentPage(page) : undefined;
    const shown = rows.slice(0, limit);
    const last = shown[shown.length - 1];
    const body: FleetList = {
      agents: shown.map((r) => toFleetAgent(r, now, ctx.config.offlineAfterS)),
      counts,
      ...(matched !== undefined ? { matched } : {}),
      next_cursor: rows.length > limit && last ? encodeFleetCursor(sort, last.assetId, last.sortKey) : null,
      offline_after_s: ctx.config.offlineAfterS,
    };
    res.json(body);
  };
}
