import { z } from 'zod';
import { RecoveryKeysResponseSchema } from './escrow.js';
import { AgentDetailSchema, FleetListQuerySchema, FleetListSchema, HeartbeatHistoryPageSchema, HeartbeatHistoryQuerySchema } from './fleet.js';
import { HealthSchema, ReadinessSchema } from './health.js';
import { HeartbeatRequestSchema } from './heartbeat-request.js';
import { HeartbeatResponseSchema } from './heartbeat-response.js';
import { limits } from './limits.js';
import { AssetIdSchema } from './primitives.js';
import { RegisterRequestSchema, RegisterResponseSchema } from './register.js';
import type { BackendProfile } from './requirements/requirement-catalogue.js';

/** The credentials of protocol v1, as the spec's security schemes name them; `none` is an anonymous call. */
export type Credential = 'none' | 'enrollmentSecret' | 'agentToken' | 'adminToken';

/** One response an operation may give: JSON with a schema, a problem+json of the given types, or text. */
export type RouteResponse =
  | { description: string; json: z.ZodType; headers?: readonly HeaderName[] }
  | { description: string; problem: true; headers?: readonly HeaderName[] }
  | { description: string; text: true };

/** Response headers the protocol names. */
export type HeaderName = 'Retry-After' | 'Allow' | 'WWW-Authenticate';

/** One operation of protocol v1 as the table writes it: method, path, schemas, answers and credentials. */
export interface RouteDefinition {
  method: 'get' | 'post';
  /** OpenAPI path template, e.g. `/api/agents/{asset_id}`. */
  path: string;
  profile: BackendProfile | 'operations';
  tag: 'agents' | 'fleet' | 'escrow' | 'operations';
  summary: string;
  description: string;
  /** Accepted credentials, any one of them. */
  security: readonly Credential[];
  request: { body?: z.ZodType; params?: z.ZodObject; query?: z.ZodObject; headers?: z.ZodObject };
  responses: Readonly<Record<number, RouteResponse>>;
}

const assetParams = z.object({ asset_id: AssetIdSchema.meta({ example: '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d' }) });
const retryAfter = ['Retry-After'] as const;

/** Answers any JSON-body operation may give (GEN-2..GEN-5, HB-3). */
const bodyErrors = {
  400: {
    description: 'The body is not a JSON object (GEN-2) or breaks the contract (HB-3): `errors` lists each offending field as a JSON Pointer.',
    problem: true,
  },
  413: { description: 'The body (inflated, if gzip) exceeds the server limit, between 256 KiB and 4 MiB (GEN-4, GEN-5).', problem: true },
  415: { description: 'The Content-Type is not application/json, or the Content-Encoding is neither gzip nor identity (GEN-3, GEN-5).', problem: true },
} as const;
const adminErrors = {
  401: { description: 'No admin token, or a wrong one (AUTH-3).', problem: true, headers: ['WWW-Authenticate'] },
  403: { description: 'An agent token was used on a fleet endpoint (AUTH-3).', problem: true },
} as const;
const noSuchAgent = { 404: { description: 'No agent with this asset_id.', problem: true } } as const;

/**
 * Every operation of protocol v1, keyed by its operation id: adding an operation is one entry here (the spec, the
 * reference server's routing, the mocks and the clients all read this table; the server's compiler then asks for
 * its handler).
 */
const routeTable = {
  registerAgent: {
    method: 'post',
    path: '/api/agents/register',
    profile: 'auth',
    tag: 'agents',
    summary: 'Exchange the enrollment secret for an asset id and a per-agent token',
    description:
      'REG-1: 201 with the identity. REG-2: a missing or wrong enrollment secret gets 401. REG-3: the same hardware_fingerprint gets the same asset_id and a new token; the old token stops working.',
    security: ['enrollmentSecret'],
    request: { body: RegisterRequestSchema },
    responses: {
      201: { description: 'Registered (REG-1).', json: RegisterResponseSchema },
      ...bodyErrors,
      401: { description: 'Missing or wrong enrollment secret (REG-2).', problem: true, headers: ['WWW-Authenticate'] },
      429: { description: 'Too many failed enrollment attempts from this client; retry after Retry-After seconds.', problem: true, headers: retryAfter },
    },
  },
  postHeartbeat: {
    method: 'post',
    path: '/api/agents/heartbeat',
    profile: 'core',
    tag: 'agents',
    summary: 'The unified heartbeat: metrics and the full inventory, every 300 s',
    description: [
      'HB-1: a valid heartbeat gets 200 only after it is durably committed (HB-9).',
      'HB-2/HB-3: every payload the contract allows is accepted; every other gets 400 with `errors` as JSON Pointers, never 5xx.',
      'HB-4: sections may be absent when their collector failed (listed in collection_errors); stored as partial.',
      'HB-5: unknown fields are ignored. HB-6: naive timestamps are read as UTC.',
      'HB-7: a retry (same asset_id and timestamp, or same Idempotency-Key) gets 200 again and is stored once.',
      'HB-8: liveness uses the receive time; clock skew is recorded, not rejected.',
      'HB-10: overload answers 503 (or 429 for one agent flooding) with Retry-After.',
      'GEN-5: `Content-Encoding: gzip` bodies are accepted; the size limit applies after inflating.',
    ].join('\n'),
    security: ['agentToken'],
    request: {
      body: HeartbeatRequestSchema,
      headers: z.object({
        'Idempotency-Key': z
          .string()
          .min(1)
          .max(limits.idempotencyKeyMax)
          .optional()
          .meta({ description: 'Same key, same heartbeat: stored once (HB-7). Longer than 128 characters: 400.' }),
      }),
    },
    responses: {
      200: { description: 'Accepted and committed (HB-1, HB-9).', json: HeartbeatResponseSchema },
      ...bodyErrors,
      401: { description: 'No valid agent token (AUTH-1); the agent registers again (AG-6).', problem: true, headers: ['WWW-Authenticate'] },
      403: { description: 'The token belongs to another asset_id; nothing is stored (AUTH-2).', problem: true },
      429: { description: 'This agent is flooding; retry after Retry-After seconds (HB-10).', problem: true, headers: retryAfter },
      503: {
        description: 'Overloaded, or the store did not commit in time; retry after Retry-After seconds (HB-10, GEN-8).',
        problem: true,
        headers: retryAfter,
      },
    },
  },
  listAgents: {
    method: 'get',
    path: '/api/agents',
    profile: 'fleet',
    tag: 'fleet',
    summary: 'Fleet list: registered agents with status and last contact, paged and filtered',
    description:
      'FLT-1: online | offline | never_seen, with offline_after_s. FLT-2: offline once no heartbeat arrived for more than offline_after (default 600 s). FLT-5: `limit`/`cursor` paging, `status` and `q` filters; `counts` cover the whole fleet.',
    security: ['adminToken'],
    request: { query: FleetListQuerySchema },
    responses: {
      200: { description: 'One page of the fleet.', json: FleetListSchema },
      400: { description: 'Invalid limit, cursor, status, q or sort.', problem: true },
      ...adminErrors,
    },
  },
  getAgent: {
    method: 'get',
    path: '/api/agents/{asset_id}',
    profile: 'fleet',
    tag: 'fleet',
    summary: 'The latest inventory of one agent, exactly as sent, secrets redacted',
    description: 'FLT-3: round-trip equal to the latest accepted heartbeat, recovery keys redacted (ESC-1).',
    security: ['adminToken'],
    request: { params: assetParams },
    responses: {
      200: { description: 'The agent.', json: AgentDetailSchema },
      400: { description: 'The asset_id is not a UUID.', problem: true },
      ...adminErrors,
      ...noSuchAgent,
    },
  },
  listHeartbeats: {
    method: 'get',
    path: '/api/agents/{asset_id}/heartbeats',
    profile: 'fleet',
    tag: 'fleet',
    summary: 'Stored heartbeats of one agent, newest first, paginated',
    description:
      "FLT-4: exactly the accepted heartbeats, none lost, none doubled, within the backend's stated retention policy. GEN-6: a page may hold fewer items than `limit` when its heartbeats are large; follow next_cursor.",
    security: ['adminToken'],
    request: { params: assetParams, query: HeartbeatHistoryQuerySchema },
    responses: {
      200: { description: 'One page.', json: HeartbeatHistoryPageSchema },
      400: { description: 'Invalid asset_id, limit or cursor.', problem: true },
      ...adminErrors,
      ...noSuchAgent,
    },
  },
  readRecoveryKeys: {
    method: 'get',
    path: '/api/agents/{asset_id}/recovery-keys',
    profile: 'escrow',
    tag: 'escrow',
    summary: 'Escrowed BitLocker recovery keys; every read is audited',
    description: 'ESC-2: needs the admin token and writes an audit record (who, when, which keys), returned with the keys.',
    security: ['adminToken'],
    request: { params: assetParams },
    responses: {
      200: { description: 'The keys and the audit record of this read.', json: RecoveryKeysResponseSchema },
      400: { description: 'The asset_id is not a UUID.', problem: true },
      ...adminErrors,
      ...noSuchAgent,
    },
  },
  healthz: {
    method: 'get',
    path: '/healthz',
    profile: 'operations',
    tag: 'operations',
    summary: 'Liveness',
    description: 'Answers while the process serves HTTP; costs nothing on the ingest path (GEN-8).',
    security: ['none'],
    request: {},
    responses: { 200: { description: 'Alive.', json: HealthSchema } },
  },
  readyz: {
    method: 'get',
    path: '/readyz',
    profile: 'operations',
    tag: 'operations',
    summary: 'Readiness: the database answers',
    description: '503 while the store does not answer in time (GEN-8).',
    security: ['none'],
    request: {},
    responses: { 200: { description: 'Ready.', json: ReadinessSchema }, 503: { description: 'Not ready.', json: ReadinessSchema } },
  },
  metrics: {
    method: 'get',
    path: '/metrics',
    profile: 'operations',
    tag: 'operations',
    summary: 'Prometheus text exposition',
    description:
      'Open, or behind a metrics or admin token when the server is configured so ("none or admin"). Figures are cached, so scraping costs nothing on the ingest path (GEN-8).',
    security: ['none', 'adminToken'],
    request: {},
    responses: {
      200: { description: 'Metrics.', text: true },
      401: { description: 'The server protects /metrics and no valid token was sent.', problem: true, headers: ['WWW-Authenticate'] },
    },
  },
} satisfies Record<string, RouteDefinition>;

/** The operation id of a route (`postHeartbeat`, ...). */
export type OperationId = keyof typeof routeTable;

/** One operation: its id and its definition. */
export interface Route extends RouteDefinition {
  operationId: OperationId;
}

/** Every operation id, in table order. */
export const operationIds = Object.keys(routeTable) as OperationId[];

/** The operation ids as a schema (the requirement catalogue validates its `operations` with it). */
export const OperationIdSchema = z.enum(operationIds as [OperationId, ...OperationId[]]);

/** Every operation of protocol v1, in table order. */
export const routes: readonly Route[] = operationIds.map((operationId) => ({ operationId, ...routeTable[operationId] }));

/** Answers every operation may give before it is reached: the request was too slow, or its headers too large (GEN-8). */
export const transportResponses: Readonly<Record<number, RouteResponse>> = {
  408: { description: 'The request headers or body did not arrive in time (slow client, GEN-8); the connection closes.', problem: true },
  431: { description: 'The request headers are larger than the server reads.', problem: true },
};

/** Answers for a path that is no operation (404) and a known path with another method (405 with Allow) (GEN-7). */
export const fallbackResponses: Readonly<Record<number, RouteResponse>> = {
  404: { description: 'No such path (GEN-7).', problem: true },
  405: { description: 'A known path with another method; `Allow` lists the methods it has (GEN-7).', problem: true, headers: ['Allow'] },
};

const byOperation = new Map(routes.map((r) => [r.operationId, r]));

/** The route of an operation. */
export function route(operationId: OperationId): Route {
  return byOperation.get(operationId)!;
}

/** A concrete path of an operation, its parameters percent-encoded: `pathOf('getAgent', { asset_id })`. */
export function pathOf(operationId: OperationId, params: Readonly<Record<string, string>> = {}): string {
  return route(operationId).path.replace(/\{([a-z_]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`pathOf(${operationId}): missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

/** The path template as express 5 writes it (`/api/agents/:asset_id`). */
export function expressPathOf(r: Route): string {
  return r.path.replace(/\{([a-z_]+)\}/g, ':$1');
}

/** Percent-decodes a path segment; a malformed escape stays as sent (the operation's parameter schema refuses it). */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Matches a request path (no query) against the table: the route and its raw parameters, or the methods the path has. */
export function matchRoute(method: string, path: string): { route: Route; params: Record<string, string> } | { allow: string[] } | undefined {
  const allow: string[] = [];
  for (const r of routes) {
    const names: string[] = [];
    const re = new RegExp('^' + r.path.replace(/\{([a-z_]+)\}/g, (_, n: string) => (names.push(n), '([^/]+)')) + '$');
    const m = re.exec(path);
    if (!m) continue;
    if (r.method === method.toLowerCase()) return { route: r, params: Object.fromEntries(names.map((n, i) => [n, safeDecode(m[i + 1]!)])) };
    allow.push(r.method.toUpperCase());
  }
  return allow.length > 0 ? { allow: allow.includes('GET') ? [...allow, 'HEAD'] : allow } : undefined;
}
