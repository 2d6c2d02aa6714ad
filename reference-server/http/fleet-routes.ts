import type { Request, Response } from 'express';
import {
  AssetIdSchema,
  HeartbeatHistoryQuerySchema,
  limits,
  protocol,
  validateMessage,
  type AgentStatus,
  type AgentDetail,
  type FleetAgent,
  type HeartbeatRequest,
} from '@lanet/contracts';
import type { AgentRow } from '../store/store.js';
import type { AppContext } from './app-context.js';
import { historyPageJson, readHistoryRows } from './history-page.js';
import { HttpProblem } from './problem.js';
import { requestStore } from './store-deadline.js';

/** FLT-2: from the server's receive time only; offline once silent for more than offline_after. */
export function agentStatus(lastSeenAtMs: number | null, nowMs: number, offlineAfterS: number): AgentStatus {
  if (lastSeenAtMs === null) return 'never_seen';
  return nowMs - lastSeenAtMs > offlineAfterS * 1000 ? 'offline' : 'online';
}

/** One fleet entry (FLT-1) from a stored agent row. */
export function toFleetAgent(row: AgentRow, nowMs: number, offlineAfterS: number): FleetAgent {
  return {
    asset_id: row.assetId,
    hostname: row.hostname,
    status: agentStatus(row.lastSeenAtMs, nowMs, offlineAfterS),
    last_seen_at: row.lastSeenAtMs === null ? null : new Date(row.lastSeenAtMs).toISOString(),
    partial: row.partial,
    clock_skew_s: row.clockSkewS,
    clock_skew_flagged: row.clockSkewS !== null && Math.abs(row.clockSkewS) > protocol.skewFlagS, // HB-8
    registered_at: new Date(row.registeredAtMs).toISOString(),
  };
}

/** Counts agents by status over the whole fleet (dashboard header, agents gauge), in one indexed query (FLT-5). */
export async function countAgents(ctx: AppContext): Promise<Record<AgentStatus, number>> {
  const { online, offline, never_seen } = await ctx.store.countAgents(Math.ceil(Date.now() - ctx.config.offlineAfterS * 1000));
  return { online, offline, never_seen };
}

function notFound(id: string): HttpProblem {
  return new HttpProblem(404, 'not-found', 'No such agent', `No agent with asset_id '${id.slice(0, 64)}' is registered.`);
}

/** The asset id path parameter, or 404 when it cannot name an agent. */
export function assetParam(req: Request): string {
  const id = String(req.params.asset_id ?? '');
  if (!AssetIdSchema.safeParse(id).success) throw notFound(id);
  return id;
}

/** GET /api/agents/{asset_id}: fleet fields and the latest heartbeat exactly as sent, keys redacted (FLT-3). */
export function getAgentHandler(ctx: AppContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const id = assetParam(req);
    const row = await requestStore(ctx.store, req).getAgent(id); // GEN-8: 503 + Retry-After if the store does not answer in time
    if (!row) throw notFound(id);
    const body: AgentDetail = {
      ...toFleetAgent(row, Date.now(), ctx.config.offlineAfterS),
      latest_heartbeat: row.latestPayloadJson === null ? null : (JSON.parse(row.latestPayloadJson) as HeartbeatRequest),
    };
    res.json(body);
  };
}

/** GET /api/agents/{asset_id}/heartbeats: newest first, by an opaque id cursor (FLT-4), at most HISTORY_PAGE_BYTES a page. */
export function historyHandler(ctx: AppContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const id = assetParam(req);
    const query = validateMessage(HeartbeatHistoryQuerySchema, req.query);
    if (!query.ok)
      throw new HttpProblem(400, 'validation', 'Invalid query', `limit must be 1..${limits.historyPageMax}; cursor must come from next_cursor.`, {
        errors: query.errors,
      });
    let beforeId: number | undefined;
    if (query.value.cursor !== undefined) {
      beforeId = Number(Buffer.from(query.value.cursor, 'base64url').toString('utf8'));
      if (!Number.isSafeInteger(beforeId) || beforeId < 1) {
        throw new HttpProblem(400, 'validation', 'Invalid cursor', 'cursor must be a next_cursor value from a previous page.', {
          errors: [{ path: '/cursor', message: 'not a cursor this server issued' }],
        });
      }
    }
    const store = requestStore(ctx.store, req); // GEN-8: 503 + Retry-After if the store does not answer in time
    if (!(await store.getAgent(id))) throw notFound(id);
    const limit = query.value.limit ?? limits.historyPageDefault;
    // GEN-6: a page is bounded by payload bytes as well as by count; next_cursor says when it was cut short.
    const page = await readHistoryRows(store, id, limit, beforeId);
    res.type('application/json; charset=utf-8').send(historyPageJson(page));
  };
}
