import { z } from 'zod';
import { HeartbeatRequestSchema } from './heartbeat-request.js';
import { limits, protocol } from './limits.js';
import { AssetIdSchema, ServerTimestampSchema } from './primitives.js';

/** Fleet liveness (FLT-1, FLT-2): from the server's receive time, never the agent's clock (HB-8). */
export const AgentStatusSchema = z.enum(['online', 'offline', 'never_seen']).meta({ id: 'AgentStatus' });

/** A fleet list holds every registered agent; 100,000 is far above the 2,000+ the seed's backend promises. */
const FLEET_MAX = 100_000;

/** One agent in the fleet view (FLT-1). */
export const FleetAgentSchema = z
  .object({
    asset_id: AssetIdSchema,
    hostname: z.string().max(limits.hostnameMax).nullable().meta({ description: 'From the latest heartbeat, else from registration; null if unknown.' }),
    status: AgentStatusSchema,
    last_seen_at: ServerTimestampSchema.nullable().meta({ description: 'Server receive time of the latest heartbeat; null when never seen.' }),
    partial: z.boolean().meta({ description: 'The latest heartbeat lacked a section or listed collection_errors (HB-4).' }),
    clock_skew_s: z
      .number()
      .min(-limits.clockSkewMaxS)
      .max(limits.clockSkewMaxS)
      .nullable()
      .meta({ description: 'Agent timestamp minus server receive time of the latest heartbeat, seconds (HB-8); null when never seen.' }),
    clock_skew_flagged: z
      .boolean()
      .optional()
      .meta({ description: `True when |clock_skew_s| exceeds ${protocol.skewFlagS} s (HB-8).` }),
    registered_at: ServerTimestampSchema.optional(),
  })
  .meta({ id: 'FleetAgent' });

/** Agent counts over the whole fleet, whatever page or filter was asked (FLT-5). */
export const FleetCountsSchema = z
  .object({
    total: z.number().int().min(0).optional().meta({ description: 'Every registered agent.' }),
    online: z.number().int().min(0),
    offline: z.number().int().min(0),
    never_seen: z.number().int().min(0),
  })
  .meta({ id: 'FleetCounts' });

/** Sort orders of the fleet list (FLT-5); a leading `-` sorts descending. Ties break on asset_id. */
export const FleetSortSchema = z.enum(['hostname', '-hostname', 'last_seen_at', '-last_seen_at']).meta({ id: 'FleetSort' });

/** Query of GET /api/agents (FLT-5): paging, a status filter, a hostname search and a sort order. */
export const FleetListQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(limits.fleetPageMax)
    .optional()
    .meta({ description: `Page size, default ${limits.fleetPageDefault}, at most ${limits.fleetPageMax}.`, example: 100 }),
  cursor: z.string().min(1).max(limits.cursorMax).optional().meta({ description: 'The `next_cursor` of the previous page, unchanged.' }),
  status: AgentStatusSchema.optional().meta({ description: 'Only agents with this status.' }),
  q: z
    .string()
    .min(1)
    .max(limits.hostnameMax)
    .optional()
    .meta({ description: 'Hostname search: agents whose hostname contains this text, ignoring case.', example: 'ws-0' }),
  sort: FleetSortSchema.optional().meta({ description: 'Sort order, default `hostname`; a leading `-` sorts descending.' }),
});

/** GET /api/agents: one page of the fleet (every agent when the backend does not page). */
export const FleetListSchema = z
  .object({
    agents: z.array(FleetAgentSchema).max(FLEET_MAX),
    counts: FleetCountsSchema.optional().meta({ description: 'Over the whole fleet, not the page (FLT-5).' }),
    matched: z.number().int().min(0).optional().meta({ description: 'Agents matching `status` and `q`, over all pages (FLT-5).' }),
    next_cursor: z.string().min(1).max(limits.cursorMax).nullable().optional().meta({
      description: 'Pass as `cursor` for the next page; null on the last page. Absent when the backend does not page: then `agents` is the whole fleet.',
    }),
    // Fractional: the conformance suite and the simulator compress time (e.g. 0.5 s for 600 s at 1200x).
    offline_after_s: z.number().positive().meta({ description: 'The offline threshold in force, seconds (FLT-1, FLT-2).' }),
  })
  .meta({ id: 'FleetList' });

/** GET /api/agents/{asset_id}: the fleet fields plus the latest inventory exactly as sent, secrets redacted (FLT-3). */
export const AgentDetailSchema = FleetAgentSchema.extend({
  latest_heartbeat: HeartbeatRequestSchema.nullable().meta({
    description:
      'The latest accepted heartbeat exactly as sent (unknown fields included), except that every recovery_key is redacted: omitted or replaced (FLT-3, ESC-1).',
  }),
}).meta({ id: 'AgentDetail' });

/** One stored heartbeat in an agent's history (FLT-4). */
export const StoredHeartbeatSchema = z
  .object({
    received_at: ServerTimestampSchema,
    partial: z.boolean(),
    clock_skew_s: z.number().min(-limits.clockSkewMaxS).max(limits.clockSkewMaxS),
    payload: HeartbeatRequestSchema.meta({ description: 'As sent, recovery keys redacted.' }),
  })
  .meta({ id: 'StoredHeartbeat' });

/** GET /api/agents/{asset_id}/heartbeats: newest first, paginated by an opaque cursor. */
export const HeartbeatHistoryPageSchema = z
  .object({
    items: z.array(StoredHeartbeatSchema).max(limits.historyPageMax),
    next_cursor: z.string().min(1).max(limits.cursorMax).nullable().meta({ description: 'Pass as `cursor` for the next (older) page; null on the last page.' }),
  })
  .meta({ id: 'HeartbeatHistoryPage' });

/** Query of the history endpoint. */
export const HeartbeatHistoryQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(limits.historyPageMax)
    .optional()
    .meta({ description: `Page size, default ${limits.historyPageDefault}.` }),
  cursor: z.string().min(1).max(limits.cursorMax).optional(),
});

/** An agent's liveness. */
export type AgentStatus = z.infer<typeof AgentStatusSchema>;
/** One fleet entry. */
export type FleetAgent = z.infer<typeof FleetAgentSchema>;
/** The fleet list. */
export type FleetList = z.infer<typeof FleetListSchema>;
/** The fleet list's query (FLT-5). */
export type FleetListQuery = z.infer<typeof FleetListQuerySchema>;
/** Whole-fleet counts. */
export type FleetCounts = z.infer<typeof FleetCountsSchema>;
/** One agent's detail. */
export type AgentDetail = z.infer<typeof AgentDetailSchema>;
/** One stored heartbeat. */
export type StoredHeartbeat = z.infer<typeof StoredHeartbeatSchema>;
/** A page of heartbeat history. */
export type HeartbeatHistoryPage = z.infer<typeof HeartbeatHistoryPageSchema>;
