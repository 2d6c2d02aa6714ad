import { formatFieldErrors, type HeartbeatRequest, type RegisterRequest, type RegisterResponse } from '@lanet/contracts';
import { check } from '../checks/agent-checks.js';
import type { SendOutcome } from '../scheduler/scheduler-types.js';
import { REGISTER_PATH } from '../wire/agent-routes.js';
import {
  HEARTBEAT_PATH,
  HeartbeatRest,
  classifyAnswer,
  encodeBody,
  encodeHeartbeat,
  heartbeatParts,
  idempotencyKey,
  postHeaders,
} from '../wire/heartbeat-wire.js';

// Retry-After's one parsing and rounding rule lives in the wire policy the simulator shares.
export { parseRetryAfter } from '../wire/heartbeat-wire.js';

/** The seed's 15 s timeout (AG-2, GEN-8): no answer by then counts as a network failure. */
export const REQUEST_TIMEOUT_MS = 15_000;

/** What one POST produced: the scheduler's outcome plus what the cycle log reports. */
export interface SendReport {
  outcome: SendOutcome;
  /** HTTP status, or 0 when no answer came. */
  status: number;
  rawBytes: number;
  gzipBytes: number;
  ms: number;
  /** One line for the log: the answer, the server's field errors on a 400, or the network failure. Never a secret (AUTH-4). */
  detail: string;
  registration?: RegisterResponse;
}

async function problemDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const problem = check('problem', JSON.parse(text));
    if (problem.ok) {
      const errors = problem.value.errors?.length ? `: ${formatFieldErrors(problem.value.errors).replace(/\n/g, '; ')}` : '';
      return `${problem.value.title} (${problem.value.detail})${errors}`;
    }
  } catch {
    // not problem+json: fall through to the raw start of the body
  }
  return text.slice(0, 200) || response.statusText;
}

/**
 * POSTs gzip-compressed JSON with a bearer credential and the 15 s timeout (headers and body from the shared wire
 * policy, reference-agent/wire), and classifies the answer for the scheduler with the policy's one rule: 2xx
 * accepted, 401 unauthorized (AG-6), 429/5xx server-error with Retry-After (AG-3), other 4xx rejected (AG-4), no
 * answer network-error or timeout (AG-2). Node's fetch keeps connections alive between sends.
 */
export async function postJson(
  url: string,
  // The body as JSON text (its size is reported) and as the bytes sent.
  body: { json: string; wire: Buffer<ArrayBuffer> },
  bearer: string,
  extraHeaders: Record<string, string> = {},
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<{ report: SendReport; json?: unknown }> {
  const { json: text, wire: gz } = body;
  const started = Date.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  // Counted, not copied: a second buffer of the whole body only for its length would be garbage of every cycle.
  const base = { rawBytes: Buffer.byteLength(text), gzipBytes: gz.length };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...postHeaders(bearer), ...extraHeaders },
      body: gz,
      signal: controller.signal,
    });
    const ms = Date.now() - started;
    const status = response.status;
    if (status >= 200 && status < 300) {
      const json: unknown = await response.json().catch(() => undefined);
      return { report: { ...base, ms, status, outcome: { kind: 'accepted' }, detail: `${status}` }, json };
    }
    const detail = `${status} ${await problemDetail(response)}`;
    const { outcome } = classifyAnswer(status, response.headers.get('retry-after'), undefined, Date.now());
    return { report: { ...base, ms, status, outcome, detail } };
  } catch (error) {
    const ms = Date.now() - started;
    if (controller.signal.aborted) return { report: { ...base, ms, status: 0, outcome: { kind: 'timeout' }, detail: `no answer within ${timeoutMs} ms` } };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return {
      report: {
        ...base,
        ms,
        status: 0,
        outcome: { kind: 'network-error' },
        detail: `network error: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
      },
    };
  } finally {
    clearTimeout(timer);
  }
}

/** POST /api/agents/heartbeat with the agent token; a 200 body is validated and its HB-11/ESC-3 fields passed on. */
export async function sendHeartbeat(server: string, token: string, heartbeat: HeartbeatRequest): Promise<SendReport> {
  // HB-7: the same heartbeat retried carries the same key, so the server stores it once.
  const key = idempotencyKey(heartbeat.asset_id, heartbeat.timestamp);
  // Built from its two parts, as the simulator builds it (heartbeat-wire.ts): the same bytes on the wire.
  const { head, rest } = heartbeatParts(heartbeat);
  const body = { json: `${head}${rest}}`, wire: encodeHeartbeat(head, new HeartbeatRest(rest)) };
  const { report, json } = await postJson(`${server}${HEARTBEAT_PATH}`, body, token, { 'idempotency-key': key });
  if (report.outcome.kind !== 'accepted') return report;
  const answer = classifyAnswer(report.status, null, json, Date.now());
  if (answer.contractViolation)
    return {
      ...report,
      outcome: answer.outcome,
      detail: `${report.status} with a body the contract refuses (${answer.contractViolation}); interval unchanged`,
    };
  const accepted = answer.outcome as Extract<SendOutcome, { kind: 'accepted' }>;
  return {
    ...report,
    outcome: accepted,
    detail: `${report.status} ok, next_heartbeat_in_s=${accepted.nextHeartbeatInS}${accepted.escrowRequired ? ', escrow_required' : ''}`,
  };
}

/** POST /api/agents/register with the enrollment secret (REG-1); a 201 body must match the contract to count. */
export async function register(server: string, enrollmentSecret: string, request: RegisterRequest): Promise<SendReport> {
  const text = JSON.stringify(request);
  const { report, json } = await postJson(`${server}${REGISTER_PATH}`, { json: text, wire: encodeBody(text) }, enrollmentSecret);
  if (report.outcome.kind !== 'accepted') return report;
  const answer = check('registerResponse', json);
  if (!answer.ok) {
    return {
      ...report,
      outcome: { kind: 'rejected', status: report.status },
      detail: `${report.status} with a registration the contract refuses: ${formatFieldErrors(answer.errors).replace(/\n/g, '; ')}`,
    };
  }
  return {
    ...report,
    outcome: { kind: 'accepted', nextHeartbeatInS: answer.value.heartbeat_interval_s },
    registration: answer.value,
    detail: `${report.status} registered as ${answer.value.asset_id}`,
  };
}
