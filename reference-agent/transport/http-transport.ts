import { gzipSync } from 'node:zlib';
import {
  HeartbeatResponseSchema,
  ProblemSchema,
  RegisterResponseSchema,
  formatFieldErrors,
  validateMessage,
  type HeartbeatRequest,
  type RegisterRequest,
  type RegisterResponse,
} from '@lanet/contracts';
import type { SendOutcome } from '../scheduler/scheduler-types.js';

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

/** Parses Retry-After (seconds, or an HTTP date) into seconds; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

async function problemDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const problem = ProblemSchema.safeParse(JSON.parse(text));
    if (problem.success) {
      const errors = problem.data.errors?.length ? `: ${formatFieldErrors(problem.data.errors).replace(/\n/g, '; ')}` : '';
      return `${problem.data.title} (${problem.data.detail})${errors}`;
    }
  } catch {
    // not problem+json: fall through to the raw start of the body
  }
  return text.slice(0, 200) || response.statusText;
}

/**
 * POSTs gzip-compressed JSON with a bearer credential and the 15 s timeout, and classifies the answer for the
 * scheduler: 2xx accepted, 401 unauthorized (AG-6), 429/5xx server-error with Retry-After (AG-3), other 4xx
 * rejected (AG-4), no answer network-error or timeout (AG-2). Node's fetch keeps connections alive between sends.
 */
export async function postJson(url: string, body: unknown, bearer: string, extraHeaders: Record<string, string> = {}, timeoutMs = REQUEST_TIMEOUT_MS): Promise<{ report: SendReport; json?: unknown }> {
  const raw = Buffer.from(JSON.stringify(body), 'utf8');
  const gz = gzipSync(raw);
  const started = Date.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const base = { rawBytes: raw.length, gzipBytes: gz.length };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Authorization: `Bearer ${bearer}`, ...extraHeaders },
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
    if (status === 401) return { report: { ...base, ms, status, outcome: { kind: 'unauthorized' }, detail } };
    if (status === 429 || status >= 500) {
      const retryAfterS = parseRetryAfter(response.headers.get('retry-after'), Date.now());
      return { report: { ...base, ms, status, outcome: { kind: 'server-error', status, ...(retryAfterS !== undefined ? { retryAfterS } : {}) }, detail } };
    }
    return { report: { ...base, ms, status, outcome: { kind: 'rejected', status }, detail } };
  } catch (error) {
    const ms = Date.now() - started;
    if (controller.signal.aborted) return { report: { ...base, ms, status: 0, outcome: { kind: 'timeout' }, detail: `no answer within ${timeoutMs} ms` } };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { report: { ...base, ms, status: 0, outcome: { kind: 'network-error' }, detail: `network error: ${cause?.code ?? cause?.message ?? (error as Error).message}` } };
  } finally {
    clearTimeout(timer);
  }
}

/** POST /api/agents/heartbeat with the agent token; a 200 body is validated and its HB-11/ESC-3 fields passed on. */
export async function sendHeartbeat(server: string, token: string, heartbeat: HeartbeatRequest): Promise<SendReport> {
  // HB-7: the same heartbeat retried carries the same key, so the server stores it once.
  const { report, json } = await postJson(`${server}/api/agents/heartbeat`, heartbeat, token, { 'Idempotency-Key': `${heartbeat.asset_id}/${heartbeat.timestamp}` });
  if (report.outcome.kind !== 'accepted') return report;
  const answer = validateMessage(HeartbeatResponseSchema, json);
  if (!answer.ok) return { ...report, detail: `${report.status} with a body the contract refuses (${formatFieldErrors(answer.errors).replace(/\n/g, '; ')}); interval unchanged` };
  return {
    ...report,
    outcome: { kind: 'accepted', nextHeartbeatInS: answer.value.next_heartbeat_in_s, ...(answer.value.escrow_required !== undefined ? { escrowRequired: answer.value.escrow_required } : {}) },
    detail: `${report.status} ok, next_heartbeat_in_s=${answer.value.next_heartbeat_in_s}${answer.value.escrow_required ? ', escrow_required' : ''}`,
  };
}

/** POST /api/agents/register with the enrollment secret (REG-1); a 201 body must match the contract to count. */
export async function register(server: string, enrollmentSecret: string, request: RegisterRequest): Promise<SendReport> {
  const { report, json } = await postJson(`${server}/api/agents/register`, request, enrollmentSecret);
  if (report.outcome.kind !== 'accepted') return report;
  const answer = validateMessage(RegisterResponseSchema, json);
  if (!answer.ok) {
    return { ...report, outcome: { kind: 'rejected', status: report.status }, detail: `${report.status} with a registration the contract refuses: ${formatFieldErrors(answer.errors).replace(/\n/g, '; ')}` };
  }
  return { ...report, outcome: { kind: 'accepted', nextHeartbeatInS: answer.value.heartbeat_interval_s }, registration: answer.value, detail: `${report.status} registered as ${answer.value.asset_id}` };
}
