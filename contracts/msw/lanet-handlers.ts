import { gunzipSync } from 'node:zlib';
import { delay, http, HttpResponse, type RequestHandler } from 'msw';
import type { z } from 'zod';
import { HeartbeatRequestSchema } from '../heartbeat-request.js';
import { HeartbeatResponseSchema } from '../heartbeat-response.js';
import { limits } from '../limits.js';
import { makeProblem, type FieldError } from '../problem.js';
import { problemOf } from '../problems.js';
import { route } from '../routes.js';
import { RegisterRequestSchema, RegisterResponseSchema } from '../register.js';
import { validateMessage } from '../validate-message.js';

/** One way to fail the next heartbeat calls: a status (with Retry-After), a delay, or a network error. */
export interface FaultSpec {
  status?: number;
  retryAfterS?: number;
  delayMs?: number;
  networkError?: boolean;
  /** How many heartbeat calls fail this way; default 1. */
  times?: number;
}

/** A request the handlers saw, with the contract's verdict on its body. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  valid: boolean;
  errors: FieldError[];
  atMs: number;
}

/** Options of the contract-validating MSW handlers. */
export interface LanetHandlerOptions {
  baseUrl?: string;
  /** When set, register requires `Authorization: Bearer <enrollmentSecret>` (REG-2). */
  enrollmentSecret?: string;
  /** Interval the mock steers agents to (HB-11); default 300. */
  intervalS?: number;
  /** Clock for `atMs`; default Date.now (fake timers advance it). */
  now?: () => number;
}

/** MSW handlers for POST /api/agents/register and /heartbeat that validate every body and can be told to fail. */
export interface LanetHandlers {
  handlers: RequestHandler[];
  requests: RecordedRequest[];
  fail: (spec: FaultSpec) => void;
  reset: () => void;
}

const PROBLEM_HEADERS = { 'Content-Type': 'application/problem+json' };

/** Reads a request body as JSON, inflating gzip (GEN-5); undefined when it is not JSON. */
async function readJson(request: Request): Promise<unknown> {
  let bytes = Buffer.from(await request.arrayBuffer());
  if ((request.headers.get('content-encoding') ?? '').toLowerCase() === 'gzip') bytes = gunzipSync(bytes);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Creates the handlers; agent developers pass `handlers` to msw's `setupServer`. */
export function createLanetHandlers(options: LanetHandlerOptions = {}): LanetHandlers {
  const base = (options.baseUrl ?? 'http://lanet.test').replace(/\/$/, '');
  // Read Date.now at call time, so fake timers installed after the handlers were made still move `atMs`.
  const now = options.now ?? (() => Date.now());
  const intervalS = options.intervalS ?? limits.defaultHeartbeatIntervalS;
  const requests: RecordedRequest[] = [];
  let faults: Array<Required<Pick<FaultSpec, 'times'>> & FaultSpec> = [];
  const identities = new Map<string, string>();

  async function record(request: Request, schema: z.ZodType): Promise<RecordedRequest> {
    const body = await readJson(request);
    const verdict = body === undefined ? { ok: false as const, errors: [{ path: '', message: 'body is not valid JSON' }] } : validateMessage(schema, body);
    const entry: RecordedRequest = {
      method: request.method,
      path: new URL(request.url).pathname,
      headers: Object.fromEntries(request.headers.entries()),
      body,
      valid: verdict.ok,
      errors: verdict.ok ? [] : verdict.errors,
      atMs: now(),
    };
    requests.push(entry);
    return entry;
  }

  function invalid(entry: RecordedRequest) {
    return HttpResponse.json(problemOf('validation', `${entry.errors.length} field(s) failed validation`, entry.errors), {
      status: 400,
      headers: PROBLEM_HEADERS,
    });
  }

  const register = http.post(`${base}${route('registerAgent').path}`, async ({ request }) => {
    const entry = await record(request, RegisterRequestSchema);
    if (options.enrollmentSecret !== undefined && request.headers.get('authorization') !== `Bearer ${options.enrollmentSecret}`) {
      return HttpResponse.json(problemOf('unauthorized', 'Missing or wrong enrollment secret (REG-2).'), { status: 401, headers: PROBLEM_HEADERS });
    }
    if (!entry.valid) return invalid(entry);
    const fingerprint = (entry.body as { hardware_fingerprint: string }).hardware_fingerprint;
    const assetId = identities.get(fingerprint) ?? crypto.randomUUID();
    identities.set(fingerprint, assetId);
    const answer = RegisterResponseSchema.parse({ asset_id: assetId, agent_token: `mock-${crypto.randomUUID()}`, heartbeat_interval_s: intervalS });
    return HttpResponse.json(answer, { status: 201 });
  });

  const heartbeat = http.post(`${base}${route('postHeartbeat').path}`, async ({ request }) => {
    const fault = faults[0];
    if (fault) {
      fault.times -= 1;
      if (fault.times <= 0) faults.shift();
    }
    if (fault?.delayMs) await delay(fault.delayMs);
    if (fault?.networkError) return HttpResponse.error();
    const entry = await record(request, HeartbeatRequestSchema);
    if (fault?.status) {
      const headers: Record<string, string> = { ...PROBLEM_HEADERS };
      if (fault.retryAfterS !== undefined) headers['Retry-After'] = String(fault.retryAfterS);
      return HttpResponse.json(makeProblem(fault.status, 'injected', 'Injected fault', `The mock was told to answer ${fault.status}.`), {
        status: fault.status,
        headers,
      });
    }
    if (!entry.valid) return invalid(entry);
    const answer = HeartbeatResponseSchema.parse({ status: 'ok', received_at: new Date(now()).toISOString(), next_heartbeat_in_s: intervalS });
    return HttpResponse.json(answer, { status: 200 });
  });

  return {
    handlers: [register, heartbeat],
    requests,
    fail: (spec) => faults.push({ ...spec, times: spec.times ?? 1 }),
    reset: () => {
      requests.length = 0;
      faults = [];
    },
  };
}
