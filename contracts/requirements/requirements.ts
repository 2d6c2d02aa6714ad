import type { OperationId } from '../routes.js';
import { RequirementSchema, type Requirement } from './requirement-catalogue.js';

const C = ['conformance'] as const;
const CP = ['conformance', 'project-tests'] as const;
const AG = ['agent-conformance', 'simulator', 'project-tests'] as const;
const HEARTBEAT_OPS = ['postHeartbeat'] as const;
const FLEET_OPS = ['listAgents', 'getAgent', 'listHeartbeats'] as const;

/**
 * Protocol v1's requirements, one entry per stable ID. `spec/protocol.md` explains each (reason, how it is checked);
 * its index is generated from this list, and `npm run spec:check` fails when the two disagree.
 */
export const requirements: readonly Requirement[] = RequirementSchema.array().parse([
  {
    id: 'GEN-1',
    level: 'MUST',
    profile: 'core',
    rule: 'Requests and responses are JSON; every error is RFC 9457 application/problem+json with type, title, status and detail.',
    operations: ['*'],
    judgedBy: CP,
  },
  {
    id: 'GEN-2',
    level: 'MUST',
    profile: 'core',
    rule: 'A body that is not a JSON object (malformed, an array, a string) gets 400.',
    operations: ['registerAgent', 'postHeartbeat'],
    judgedBy: CP,
  },
  {
    id: 'GEN-3',
    level: 'MUST',
    profile: 'core',
    rule: 'A Content-Type other than JSON gets 415.',
    operations: ['registerAgent', 'postHeartbeat'],
    judgedBy: CP,
  },
  {
    id: 'GEN-4',
    level: 'MUST',
    profile: 'core',
    rule: 'A body over the server limit (256 KiB to 4 MiB) gets 413 without being buffered whole.',
    operations: ['registerAgent', 'postHeartbeat'],
    judgedBy: CP,
    notCheckableOverHttp: 'Whether the server buffers the body is seen only through its memory; the reference server tests it with RSS bounds.',
  },
  {
    id: 'GEN-5',
    level: 'SHOULD',
    profile: 'core',
    rule: 'Content-Encoding: gzip bodies are accepted; the limit applies after inflating (a gzip bomb gets 413).',
    operations: ['registerAgent', 'postHeartbeat'],
    judgedBy: CP,
  },
  {
    id: 'GEN-6',
    level: 'MUST',
    profile: 'core',
    rule: 'No client input gets a 5xx (U+0000 and unpaired surrogates included: 200 or 400 at the pointer); no history page fails or exhausts memory.',
    operations: ['*'],
    judgedBy: CP,
  },
  {
    id: 'GEN-7',
    level: 'SHOULD',
    profile: 'core',
    rule: 'An unknown path gets 404; a known path with the wrong method gets 405 with Allow.',
    operations: ['*'],
    judgedBy: CP,
  },
  {
    id: 'GEN-8',
    level: 'MUST',
    profile: 'core',
    rule: 'Every response within 15 s, under faults too (stalled store: 503 + Retry-After, /readyz 503); slow clients are cut off; anonymous load never slows ingestion; refused uploads are not read to their end.',
    operations: ['*'],
    judgedBy: CP,
    notCheckableOverHttp: 'A stalled database cannot be caused from outside; the reference server tests it with the store locked.',
  },
  {
    id: 'HB-1',
    level: 'MUST',
    profile: 'core',
    rule: 'A valid heartbeat (the seed example included) gets 200 with status "ok", received_at and next_heartbeat_in_s.',
    operations: HEARTBEAT_OPS,
    judgedBy: CP,
  },
  {
    id: 'HB-2',
    level: 'MUST',
    profile: 'core',
    rule: 'Every payload the contract allows is accepted, extremes included.',
    operations: HEARTBEAT_OPS,
    judgedBy: ['conformance', 'simulator', 'project-tests'],
  },
  {
    id: 'HB-3',
    level: 'MUST',
    profile: 'core',
    rule: 'A payload the contract forbids gets 400 with errors [{ path, message }], path a JSON Pointer (a missing member names the member); never 2xx or 5xx.',
    operations: ['registerAgent', 'postHeartbeat'],
    judgedBy: ['conformance', 'simulator', 'project-tests'],
  },
  {
    id: 'HB-4',
    level: 'MUST',
    profile: 'core',
    rule: 'A partial heartbeat (a section absent, its collector listed in collection_errors) is accepted and stored as partial.',
    operations: HEARTBEAT_OPS,
    judgedBy: CP,
  },
  { id: 'HB-5', level: 'MUST', profile: 'core', rule: 'Unknown fields at any depth are accepted and ignored.', operations: HEARTBEAT_OPS, judgedBy: CP },
  {
    id: 'HB-6',
    level: 'MUST',
    profile: 'core',
    rule: 'Timestamps are RFC 3339; the naive form without an offset is accepted and read as UTC.',
    operations: HEARTBEAT_OPS,
    judgedBy: CP,
  },
  {
    id: 'HB-7',
    level: 'MUST',
    profile: 'core',
    rule: 'A retry (same asset_id and timestamp text, or same Idempotency-Key for that asset_id) gets 200 again and is stored once.',
    operations: HEARTBEAT_OPS,
    judgedBy: ['conformance', 'simulator', 'project-tests'],
  },
  {
    id: 'HB-8',
    level: 'MUST',
    profile: 'core',
    rule: 'Liveness uses the server receive time; a skew over 300 s is recorded and shown, never rejected.',
    operations: ['postHeartbeat', 'listAgents'],
    judgedBy: ['conformance', 'simulator', 'project-tests'],
  },
  {
    id: 'HB-9',
    level: 'MUST',
    profile: 'core',
    rule: 'The 200 is sent only after a durable commit; a crash after it loses nothing.',
    operations: HEARTBEAT_OPS,
    judgedBy: ['simulator', 'project-tests'],
    notCheckableOverHttp:
      'A crash cannot be caused from outside; the reference server kills itself with SIGKILL under load in its tests and counts what survived.',
  },
  {
    id: 'HB-10',
    level: 'SHOULD',
    profile: 'core',
    rule: 'Overload gets 503 (or 429 for one agent flooding) with Retry-After, not a queue past 15 s.',
    operations: HEARTBEAT_OPS,
    judgedBy: CP,
  },
  {
    id: 'HB-11',
    level: 'SHOULD',
    profile: 'core',
    rule: 'next_heartbeat_in_s steers the interval, between 60 and 3600 s.',
    operations: HEARTBEAT_OPS,
    judgedBy: ['conformance', 'agent-conformance', 'project-tests'],
  },
  {
    id: 'REG-1',
    level: 'MUST',
    profile: 'auth',
    rule: 'Registration with the enrollment secret gets 201 with asset_id, agent_token and heartbeat_interval_s.',
    operations: ['registerAgent'],
    judgedBy: CP,
  },
  { id: 'REG-2', level: 'MUST', profile: 'auth', rule: 'A missing or wrong enrollment secret gets 401.', operations: ['registerAgent'], judgedBy: CP },
  {
    id: 'REG-3',
    level: 'MUST',
    profile: 'auth',
    rule: 'The same hardware_fingerprint gets the same asset_id and a new token; the old token stops working.',
    operations: ['registerAgent', 'postHeartbeat'],
    judgedBy: CP,
  },
  { id: 'AUTH-1', level: 'MUST', profile: 'auth', rule: 'A heartbeat without a valid agent token gets 401.', operations: HEARTBEAT_OPS, judgedBy: CP },
  {
    id: 'AUTH-2',
    level: 'MUST',
    profile: 'auth',
    rule: 'A token used for another asset_id gets 403 and nothing is stored.',
    operations: HEARTBEAT_OPS,
    judgedBy: CP,
  },
  {
    id: 'AUTH-3',
    level: 'MUST',
    profile: 'auth',
    rule: 'Fleet endpoints refuse agent tokens and anonymous callers (401/403).',
    operations: [...FLEET_OPS, 'readRecoveryKeys'],
    judgedBy: CP,
  },
  {
    id: 'AUTH-4',
    level: 'MUST',
    profile: 'auth',
    rule: 'Secrets never appear in logs or error bodies; tokens are stored hashed.',
    operations: ['*'],
    judgedBy: CP,
    notCheckableOverHttp:
      'Logs and storage are not visible over HTTP; the suite scans every answer body, the reference server tests its logs and its database.',
  },
  {
    id: 'AUTH-5',
    level: 'SHOULD',
    profile: 'auth',
    rule: 'A legacy mode accepting unauthenticated heartbeats exists only when switched on, and says so at start-up.',
    operations: HEARTBEAT_OPS,
    judgedBy: CP,
    notCheckableOverHttp: 'The start-up message is in the server log; the suite checks that an unauthenticated heartbeat is refused by default.',
  },
  {
    id: 'FLT-1',
    level: 'MUST',
    profile: 'fleet',
    rule: 'GET /api/agents lists every agent with status, last_seen_at, hostname, partial and clock_skew_s, and states offline_after_s.',
    operations: ['listAgents'],
    judgedBy: CP,
  },
  {
    id: 'FLT-2',
    level: 'MUST',
    profile: 'fleet',
    rule: 'An agent is offline after offline_after (default 600 s) without a heartbeat and online again with the next; ±30 s jitter never flips it.',
    operations: ['listAgents'],
    judgedBy: ['conformance', 'simulator', 'project-tests'],
  },
  {
    id: 'FLT-3',
    level: 'MUST',
    profile: 'fleet',
    rule: 'GET /api/agents/{asset_id} returns the latest inventory exactly as sent, secrets redacted.',
    operations: ['getAgent'],
    judgedBy: CP,
  },
  {
    id: 'FLT-4',
    level: 'MUST',
    profile: 'fleet',
    rule: 'The stored heartbeats are exactly the accepted ones: none lost, none doubled, within the retention policy the backend states.',
    operations: ['listHeartbeats'],
    judgedBy: ['conformance', 'simulator', 'project-tests'],
  },
  {
    id: 'FLT-5',
    level: 'SHOULD',
    profile: 'fleet',
    rule: 'The fleet list pages (limit, cursor) and filters (status, hostname search); counts cover the whole fleet.',
    operations: ['listAgents'],
    judgedBy: CP,
  },
  {
    id: 'ESC-1',
    level: 'MUST',
    profile: 'escrow',
    rule: 'A recovery_key is stored encrypted and never returned by fleet endpoints, however the JSON spells it (escapes, duplicates, any depth).',
    operations: ['postHeartbeat', ...FLEET_OPS],
    judgedBy: CP,
    notCheckableOverHttp: 'Encryption at rest is not visible over HTTP; the reference server reads its own database in its tests.',
  },
  {
    id: 'ESC-2',
    level: 'MUST',
    profile: 'escrow',
    rule: 'Reading escrowed keys needs the admin token and writes an audit record (who, when, which key).',
    operations: ['readRecoveryKeys'],
    judgedBy: CP,
  },
  {
    id: 'ESC-3',
    level: 'SHOULD',
    profile: 'escrow',
    rule: 'The agent sends a recovery key only when it changed or when the server asks (escrow_required).',
    operations: HEARTBEAT_OPS,
    judgedBy: ['conformance', 'agent-conformance', 'simulator', 'project-tests'],
  },
  {
    id: 'AG-1',
    level: 'MUST',
    profile: 'agent',
    rule: 'The first heartbeat goes at start-up; the n-th within ±30 s of start + n × interval, however long collection takes.',
    operations: HEARTBEAT_OPS,
    judgedBy: AG,
  },
  {
    id: 'AG-2',
    level: 'MUST',
    profile: 'agent',
    rule: 'A network failure or 15 s timeout is retried after 60 s (jittered); a failed retry escalates to AG-3 backoff until one succeeds.',
    operations: HEARTBEAT_OPS,
    judgedBy: AG,
  },
  {
    id: 'AG-3',
    level: 'MUST',
    profile: 'agent',
    rule: '5xx, 503 and 429 back off exponentially with full jitter (base 60 s, cap 30 min); Retry-After is a minimum.',
    operations: HEARTBEAT_OPS,
    judgedBy: AG,
  },
  {
    id: 'AG-4',
    level: 'MUST',
    profile: 'agent',
    rule: 'A 400 is not retried in a loop; it is logged with the errors and the schedule goes on.',
    operations: HEARTBEAT_OPS,
    judgedBy: AG,
  },
  {
    id: 'AG-5',
    level: 'MUST',
    profile: 'agent',
    rule: 'A collector that throws or times out is skipped, named in collection_errors, and the rest is sent.',
    operations: HEARTBEAT_OPS,
    judgedBy: ['agent-conformance', 'project-tests'],
  },
  { id: 'AG-6', level: 'MUST', profile: 'agent', rule: 'A 401 makes the agent register again.', operations: ['registerAgent', 'postHeartbeat'], judgedBy: AG },
  {
    id: 'AG-7',
    level: 'SHOULD',
    profile: 'agent',
    rule: 'Start-up is spread by a random delay; after an outage arrivals peak at no more than 1.5× the steady rate.',
    operations: HEARTBEAT_OPS,
    judgedBy: AG,
  },
  {
    id: 'PERF-1',
    level: 'MUST',
    profile: 'perf',
    rule: 'Under 2,000 agents (one heartbeat per agent per second, time-compressed) the reference server p99 stays under 100 ms, nothing lost.',
    operations: HEARTBEAT_OPS,
    judgedBy: ['simulator'],
  },
  {
    id: 'PERF-2',
    level: 'SHOULD',
    profile: 'perf',
    rule: 'A seed-sized payload is 5-8 KB; gzip takes it to about a quarter.',
    operations: HEARTBEAT_OPS,
    judgedBy: ['project-tests'],
  },
  {
    id: 'PERF-3',
    level: 'SHOULD',
    profile: 'perf',
    rule: 'The agent uses about 50 MB of memory and 2-5 % CPU during collection.',
    operations: [],
    judgedBy: ['project-tests'],
  },
]);

const byId = new Map(requirements.map((r) => [r.id, r]));

/** The requirement with this ID; throws for an unknown ID, so a typo in a check fails at load time. */
export function requirement(id: string): Requirement {
  const found = byId.get(id);
  if (!found) throw new Error(`Unknown requirement ID ${id}: every ID must be in contracts/requirements/requirements.ts.`);
  return found;
}

/** The level of a requirement (MUST or SHOULD), read from the catalogue. */
export function levelOf(id: string): Requirement['level'] {
  return requirement(id).level;
}

/** The requirement IDs that concern an operation (those naming it, and those naming every operation). */
export function requirementIdsOf(operationId: OperationId): string[] {
  return requirements.filter((r) => r.operations.includes(operationId) || r.operations.includes('*')).map((r) => r.id);
}
