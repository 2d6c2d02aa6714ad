import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { limits } from '../limits.js';
import { validatorFor } from '../message-validators.js';
import type { FieldError, Problem } from '../problem.js';
import { problemOf, problemSlugsFor } from '../problems.js';
import { matchRoute, pathOf } from '../routes.js';
import { readMockBody } from './mock-body.js';
import { FaultSchedule, type FaultAction, type FaultStep } from './mock-faults.js';

/** Settings of the mock backend. */
export interface MockBackendOptions {
  /** When set, registration needs exactly this bearer (REG-2); when unset any non-empty bearer registers. */
  enrollmentSecret?: string;
  /** next_heartbeat_in_s and heartbeat_interval_s the mock answers (HB-11); default 300. */
  intervalS?: number;
  faults?: readonly FaultStep[];
  /** Called once per request with its log entry (the CLI prints it). */
  onRequest?: (entry: MockRequestLog) => void;
  now?: () => number;
}

/** One request as the mock saw and answered it. */
export interface MockRequestLog {
  atMs: number;
  method: string;
  path: string;
  /** 0 when the connection was cut (reset or outage). */
  status: number;
  /** The contract's violations on a 400 (HB-3). */
  errors: FieldError[];
  fault?: FaultAction['kind'];
  gzip: boolean;
  idempotencyKey?: string;
}

/** The mock: a request handler plus what it saw, its fault schedule and the tokens it issued. */
export interface MockBackend {
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  requests: MockRequestLog[];
  faults: FaultSchedule;
}

const HEARTBEAT = pathOf('postHeartbeat');
/** How many answers the mock remembers for Idempotency-Key replays (HB-7); the oldest go first. */
const REMEMBERED_ANSWERS = 10_000;
/** The log stays bounded however long the mock runs. */
const LOGGED_REQUESTS = 10_000;

class Refusal {
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {}
}

function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S.*)$/i.exec(req.headers.authorization ?? '');
  return m?.[1]?.trim();
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const problem = status >= 400;
  res.writeHead(status, { 'Content-Type': problem ? 'application/problem+json' : 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * A contract-driven mock of the agent endpoints: bodies are read as the agent sends them (gzip, GEN-5) and judged by
 * the contracts' validators, so a 400 carries the real violations as JSON Pointers (HB-3) in the same words as
 * `lanet validate` and the reference server. Registration issues tokens kept in memory (REG-1, REG-3); a heartbeat
 * needs one (AUTH-1) for its own asset_id (AUTH-2); an Idempotency-Key replay gets the first answer again (HB-7).
 * A fault schedule (outage, reset, 503 + Retry-After, 401, slow) replays the agent's retry cases.
 */
export function createMockBackend(options: MockBackendOptions = {}): MockBackend {
  const now = options.now ?? Date.now;
  const intervalS = options.intervalS ?? limits.defaultHeartbeatIntervalS;
  const faults = new FaultSchedule(options.faults ?? [], now);
  const requests: MockRequestLog[] = [];
  const assetByFingerprint = new Map<string, string>();
  const tokenByAsset = new Map<string, string>();
  const assetByToken = new Map<string, string>();
  const answers = new Map<string, unknown>();

  function log(entry: MockRequestLog): void {
    if (requests.length >= LOGGED_REQUESTS) requests.shift();
    requests.push(entry);
    options.onRequest?.(entry);
  }

  async function validated(req: IncomingMessage, type: 'heartbeat' | 'register-request'): Promise<Record<string, unknown>> {
    const body = await readMockBody(req);
    if (!body.ok) throw new Refusal(body.problem);
    const verdict = validatorFor(type)(body.value);
    if (!verdict.ok) {
      const what = type === 'heartbeat' ? 'Invalid heartbeat' : 'Invalid registration';
      const detail = `${verdict.errors.length} field(s) failed validation: ${verdict.errors
        .slice(0, 5)
        .map((e) => e.path || '(root)')
        .join(', ')}.`;
      throw new Refusal(problemOf('validation', `${what}: ${detail}`, verdict.errors));
    }
    return body.value as Record<string, unknown>;
  }

  async function register(req: IncomingMessage): Promise<[number, unknown]> {
    const secret = bearer(req);
    if (secret === undefined || (options.enrollmentSecret !== undefined && secret !== options.enrollmentSecret)) {
      req.resume();
      throw new Refusal(
        problemOf(
          'unauthorized',
          `${secret === undefined ? 'No' : 'Wrong'} enrollment secret. Send \`Authorization: Bearer <enrollment secret>\` (the mock's is printed at start-up).`,
        ),
      );
    }
    const body = await validated(req, 'register-request');
    const fingerprint = String(body.hardware_fingerprint);
    // REG-3: the same machine keeps its asset_id; its old token stops working.
    const assetId = assetByFingerprint.get(fingerprint) ?? randomUUID();
    assetByFingerprint.set(fingerprint, assetId);
    const old = tokenByAsset.get(assetId);
    if (old !== undefined) assetByToken.delete(old);
    const token = `mock-${randomBytes(24).toString('base64url')}`;
    tokenByAsset.set(assetId, token);
    assetByToken.set(token, assetId);
    return [201, { asset_id: assetId, agent_token: token, heartbeat_interval_s: intervalS }];
  }

  async function heartbeat(req: IncomingMessage): Promise<[number, unknown]> {
    const token = bearer(req);
    const assetId = token === undefined ? undefined : assetByToken.get(token);
    if (assetId === undefined) {
      req.resume();
      const why =
        token === undefined
          ? 'No agent token.'
          : 'Unknown agent token: register first (POST /api/agents/register); the mock forgets its tokens when it restarts.';
      throw new Refusal(problemOf('unauthorized', `${why} Send \`Authorization: Bearer <agent token>\`.`), { 'WWW-Authenticate': 'Bearer' });
    }
    const key = req.headers['idempotency-key'];
    if (key !== undefined && (key.length < 1 || key.length > 128)) {
      req.resume();
      throw new Refusal(
        problemOf('validation', 'The Idempotency-Key header must be 1..128 characters.', [
          { path: '', message: 'Idempotency-Key: must be a string of 1 to 128 characters' },
        ]),
      );
    }
    const body = await validated(req, 'heartbeat');
    if (body.asset_id !== assetId)
      throw new Refusal(problemOf('forbidden', 'This agent token belongs to another asset_id (AUTH-2); send heartbeats for your own asset_id.'));
    // HB-7: a retry (same key, or same asset_id and timestamp) gets the first answer again.
    const replayKey = key !== undefined ? `${assetId} key ${key}` : `${assetId} at ${String(body.timestamp)}`;
    const first = answers.get(replayKey);
    if (first !== undefined) return [200, first];
    const answer = { status: 'ok', received_at: new Date(now()).toISOString(), next_heartbeat_in_s: intervalS };
    if (answers.size >= REMEMBERED_ANSWERS) answers.delete(answers.keys().next().value!);
    answers.set(replayKey, answer);
    return [200, answer];
  }

  async function route(req: IncomingMessage, path: string): Promise<[number, unknown, Record<string, string>?]> {
    // The route table decides what is a path and which methods it has (GEN-7); the mock serves the agent operations.
    const match = matchRoute(req.method ?? 'GET', path);
    if (match !== undefined && 'allow' in match) {
      req.resume();
      throw new Refusal(problemOf('method-not-allowed', `${String(req.method).slice(0, 16)} is not allowed on ${path}; use ${match.allow.join(' or ')}.`), {
        Allow: match.allow.join(', '),
      });
    }
    const operation = match?.route.operationId;
    if (operation === 'healthz') return [200, { status: 'ok' }];
    const handler = operation === 'registerAgent' ? register : operation === 'postHeartbeat' ? heartbeat : undefined;
    if (handler === undefined) {
      req.resume();
      const hint = match !== undefined ? ' The mock serves the agent endpoints only; run `lanet server` for the fleet view.' : '';
      throw new Refusal(problemOf('not-found', `No endpoint at ${path.slice(0, 200)}.${hint}`));
    }
    return handler(req);
  }

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://mock').pathname;
    const entry: MockRequestLog = {
      atMs: now(),
      method: req.method ?? '?',
      path,
      status: 0,
      errors: [],
      gzip: /gzip/i.test(req.headers['content-encoding'] ?? ''),
    };
    if (typeof req.headers['idempotency-key'] === 'string') entry.idempotencyKey = req.headers['idempotency-key'];
    const fault: FaultAction = path === HEARTBEAT && req.method === 'POST' ? faults.next() : faults.duringOutage() ? { kind: 'reset' } : { kind: 'none' };
    if (fault.kind !== 'none') entry.fault = fault.kind;
    if (fault.kind === 'reset') {
      req.socket.destroy();
      return log(entry);
    }
    if (fault.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    try {
      if (fault.kind === 'status' || fault.kind === 'unauthorized') {
        req.resume();
        const status = fault.kind === 'status' ? fault.status : 401;
        const headers: Record<string, string> = fault.kind === 'status' && fault.retryAfterS !== undefined ? { 'Retry-After': String(fault.retryAfterS) } : {};
        // The table's type for this status (502 and other untabled ones borrow 'internal'); the status stays as scheduled.
        const problem = problemOf(problemSlugsFor(status)[0] ?? 'internal', `The mock's fault schedule answers ${status} to this call (lanet mock --fault).`);
        throw new Refusal({ ...problem, status }, headers);
      }
      const [status, body, headers] = await route(req, path);
      entry.status = status;
      if (!res.destroyed) send(res, status, body, headers);
    } catch (error) {
      const refusal = error instanceof Refusal ? error : new Refusal(problemOf('internal', `The mock failed: ${(error as Error).message}`));
      entry.status = refusal.problem.status;
      entry.errors = refusal.problem.errors ?? [];
      if (!res.destroyed) send(res, refusal.problem.status, refusal.problem, refusal.headers);
    }
    log(entry);
  }

  return { handle: (req, res) => void answer(req, res), requests, faults };
}
