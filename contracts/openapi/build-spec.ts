import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { RecoveryKeysResponseSchema } from '../escrow.js';
import { AgentDetailSchema, FleetListSchema, HeartbeatHistoryPageSchema, HeartbeatHistoryQuerySchema } from '../fleet.js';
import { HealthSchema, ReadinessSchema } from '../health.js';
import { HeartbeatRequestSchema } from '../heartbeat-request.js';
import { HeartbeatResponseSchema } from '../heartbeat-response.js';
import { AssetIdSchema } from '../primitives.js';
import { makeProblem, ProblemSchema } from '../problem.js';
import { RegisterRequestSchema, RegisterResponseSchema } from '../register.js';
import { seedHeartbeat } from '../seed-example.js';
import { securitySchemes } from './security.js';

/** Version of protocol v1's spec document; bump the minor for additions, the major for breaking changes. */
export const SPEC_VERSION = '1.0.0';

const PROBLEM = 'application/problem+json';

const PROBLEM_SLUGS: Record<number, string> = { 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 413: 'body-too-large', 415: 'unsupported-media-type', 429: 'too-many-requests', 503: 'overloaded' };
const PROBLEM_TITLES: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not found', 413: 'Body too large', 415: 'Unsupported media type', 429: 'Too many requests', 503: 'Server overloaded' };

/** A problem+json response (GEN-1) with the given status and description, and an example of that status. */
function problem(status: number, description: string, headers?: ResponseConfig['headers']): ResponseConfig {
  // An example per status: Prism (`lanet mock`) answers each error with its own example, so its status must match (GEN-1).
  const example = status === 400
    ? makeProblem(400, 'validation', 'Invalid heartbeat', '1 field(s) failed validation: /status/cpu_usage.', [{ path: '/status/cpu_usage', message: 'must be a number from 0 to 100 (got 150)' }])
    : makeProblem(status, PROBLEM_SLUGS[status] ?? 'error', PROBLEM_TITLES[status] ?? 'Error', description);
  return { description, headers, content: { [PROBLEM]: { schema: ProblemSchema, example } } };
}

const retryAfterHeader = {
  'Retry-After': { description: 'Seconds to wait before retrying; the agent honours it as a minimum (AG-3).', schema: { type: 'integer' as const, minimum: 1 } },
};

/** Errors every JSON endpoint may answer with (GEN-1..GEN-4). */
const bodyErrors = {
  400: problem(400, 'The body is not a JSON object (GEN-2) or breaks the contract (HB-3): `errors` lists each offending field as a JSON Pointer.'),
  413: problem(413, 'The body (inflated, if gzip) exceeds the server limit, between 256 KiB and 4 MiB (GEN-4, GEN-5).'),
  415: problem(415, 'The Content-Type is not application/json (GEN-3).'),
};

const adminErrors = {
  401: problem(401, 'No admin token, or a wrong one (AUTH-3).'),
  403: problem(403, 'An agent token was used on a fleet endpoint (AUTH-3).'),
};

const assetParam = z.object({ asset_id: AssetIdSchema });

/** Registers every path of protocol v1 on `registry`. */
function registerPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/api/agents/register',
    operationId: 'registerAgent',
    tags: ['agents'],
    summary: 'Exchange the enrollment secret for an asset id and a per-agent token',
    description: 'REG-1: 201 with the identity. REG-2: a missing or wrong enrollment secret gets 401. REG-3: the same hardware_fingerprint gets the same asset_id and a new token; the old token stops working.',
    security: [{ enrollmentSecret: [] }],
    request: { body: { required: true, content: { 'application/json': { schema: RegisterRequestSchema } } } },
    responses: {
      201: { description: 'Registered (REG-1).', content: { 'application/json': { schema: RegisterResponseSchema } } },
      ...bodyErrors,
      401: problem(401, 'Missing or wrong enrollment secret (REG-2).'),
    },
  });

  registry.registerPath({
    method: 'post',
    path: '/api/agents/heartbeat',
    operationId: 'postHeartbeat',
    tags: ['agents'],
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
    security: [{ agentToken: [] }],
    request: {
      headers: z.object({
        'Idempotency-Key': z.string().min(1).max(128).optional().meta({ description: 'Same key, same heartbeat: stored once (HB-7).' }),
      }),
      body: {
        required: true,
        content: { 'application/json': { schema: HeartbeatRequestSchema, example: seedHeartbeat() } },
      },
    },
    responses: {
      200: { description: 'Accepted and committed (HB-1, HB-9).', content: { 'application/json': { schema: HeartbeatResponseSchema } } },
      ...bodyErrors,
      401: problem(401, 'No valid agent token (AUTH-1); the agent registers again (AG-6).'),
      403: problem(403, 'The token belongs to another asset_id; nothing is stored (AUTH-2).'),
      429: problem(429, 'This agent is flooding; retry after Retry-After seconds (HB-10).', retryAfterHeader),
      503: problem(503, 'Overloaded; retry after Retry-After seconds (HB-10).', retryAfterHeader),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/agents',
    operationId: 'listAgents',
    tags: ['fleet'],
    summary: 'Fleet list: every registered agent with status and last contact',
    description: 'FLT-1: online | offline | never_seen. FLT-2: offline once no heartbeat arrived for more than offline_after (default 600 s).',
    security: [{ adminToken: [] }],
    responses: { 200: { description: 'The fleet.', content: { 'application/json': { schema: FleetListSchema } } }, ...adminErrors },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/agents/{asset_id}',
    operationId: 'getAgent',
    tags: ['fleet'],
    summary: 'The latest inventory of one agent, exactly as sent, secrets redacted',
    description: 'FLT-3: round-trip equal to the latest accepted heartbeat, recovery keys redacted (ESC-1).',
    security: [{ adminToken: [] }],
    request: { params: assetParam },
    responses: {
      200: { description: 'The agent.', content: { 'application/json': { schema: AgentDetailSchema } } },
      ...adminErrors,
      404: problem(404, 'No agent with this asset_id.'),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/agents/{asset_id}/heartbeats',
    operationId: 'listHeartbeats',
    tags: ['fleet'],
    summary: 'Stored heartbeats of one agent, newest first, paginated',
    description: 'FLT-4: exactly the accepted heartbeats, none lost, none doubled.',
    security: [{ adminToken: [] }],
    request: { params: assetParam, query: HeartbeatHistoryQuerySchema },
    responses: {
      200: { description: 'One page.', content: { 'application/json': { schema: HeartbeatHistoryPageSchema } } },
      400: problem(400, 'Invalid limit or cursor.'),
      ...adminErrors,
      404: problem(404, 'No agent with this asset_id.'),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/agents/{asset_id}/recovery-keys',
    operationId: 'readRecoveryKeys',
    tags: ['escrow'],
    summary: 'Escrowed BitLocker recovery keys; every read is audited',
    description: 'ESC-2: needs the admin token and writes an audit record (who, when, which keys), returned with the keys.',
    security: [{ adminToken: [] }],
    request: { params: assetParam },
    responses: {
      200: { description: 'The keys and the audit record of this read.', content: { 'application/json': { schema: RecoveryKeysResponseSchema } } },
      ...adminErrors,
      404: problem(404, 'No agent with this asset_id.'),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/healthz',
    operationId: 'healthz',
    tags: ['operations'],
    summary: 'Liveness',
    security: [],
    responses: { 200: { description: 'Alive.', content: { 'application/json': { schema: HealthSchema } } } },
  });

  registry.registerPath({
    method: 'get',
    path: '/readyz',
    operationId: 'readyz',
    tags: ['operations'],
    summary: 'Readiness: the database is reachable',
    security: [],
    responses: {
      200: { description: 'Ready.', content: { 'application/json': { schema: ReadinessSchema } } },
      503: { description: 'Not ready.', content: { 'application/json': { schema: ReadinessSchema } } },
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    tags: ['operations'],
    summary: 'Prometheus text exposition',
    description: 'Open, or behind the admin token when the server is configured so ("none or admin").',
    security: [{}, { adminToken: [] }],
    responses: {
      200: { description: 'Metrics.', content: { 'text/plain': { schema: z.string() } } },
      401: problem(401, 'The server protects /metrics and no valid admin token was sent.'),
    },
  });
}

/** Builds the OpenAPI 3.1 document of protocol v1 from the contracts. */
export function buildSpec(): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  for (const [name, scheme] of Object.entries(securitySchemes)) registry.registerComponent('securitySchemes', name, { ...scheme });
  registerPaths(registry);
  const generator = new OpenApiGeneratorV31(registry.definitions);
  const doc = generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'LANET Heartbeat Protocol',
      version: SPEC_VERSION,
      description:
        'LANET heartbeat protocol v1, generated from the Zod contracts in contracts/. Requirement IDs (HB-3, AUTH-1, ...) refer to shared/protocol/requirements.md. Profiles: core (GEN, HB), auth (REG, AUTH), fleet (FLT), escrow (ESC).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: 'http://127.0.0.1:8080', description: 'The reference server (`lanet server`).' }],
    tags: [
      { name: 'agents', description: 'Enrollment and heartbeats (profiles core, auth).' },
      { name: 'fleet', description: 'Fleet view and read-back (profile fleet).' },
      { name: 'escrow', description: 'Recovery key escrow (profile escrow).' },
      { name: 'operations', description: 'Health and metrics.' },
    ],
  });
  return doc as unknown as Record<string, unknown>;
}
