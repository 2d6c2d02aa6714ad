import { gzipSync } from 'node:zlib';
import { formatFieldErrors, type HeartbeatRequest } from '@lanet/contracts';
import { check } from '../checks/agent-checks.js';
import { agentVersion } from '../collectors/agent-collector.js';
import type { SendOutcome } from '../scheduler/scheduler-types.js';
import { HEARTBEAT_PATH } from './agent-routes.js';
import { deflatePart, exactCopy, gzipSpliced, type DeflatedPart } from './gzip-splice.js';

/**
 * The reference agent's wire policy, in one place for the agent and the simulator (issue 13): how a heartbeat
 * becomes a request, and how an answer becomes the scheduler's outcome. The simulator may depart from it only by
 * an explicit option (`--no-gzip`); its default is this.
 */

/** Deliberate departures from the agent's wire; the default (`{ gzip: true }`) is the real agent's. */
export interface WireOptions {
  /** GEN-5: gzip the body (the agent always does; `--no-gzip` turns it off in the simulator). */
  gzip: boolean;
}

/** The real agent's wire. */
export const agentWire: Readonly<WireOptions> = Object.freeze({ gzip: true });

/** The heartbeat endpoint, from the contracts' route table. */
export { HEARTBEAT_PATH };

/** The User-Agent every heartbeat carries, so a backend can tell agent versions apart in its logs. */
export const USER_AGENT = `lanet-agent/${agentVersion}`;

/**
 * HB-7: the same heartbeat retried carries the same key (agent timestamp and asset id), so it is stored once. The
 * timestamp leads, like a UUIDv7's: a backend's index on the key then grows at its end instead of at a random page per
 * heartbeat (the reference server's, reference-server/store/dedupe-index-sql.ts).
 */
export function idempotencyKey(assetId: string, timestamp: string): string {
  return `${timestamp}/${assetId}`;
}

/** The headers of every agent POST (names lower-case, as HTTP/1.1 compares them case-insensitively). */
export function postHeaders(bearer: string, options: WireOptions = agentWire): Record<string, string> {
  return {
    'content-type': 'application/json',
    ...(options.gzip ? { 'content-encoding': 'gzip' } : {}),
    authorization: `Bearer ${bearer}`,
    'user-agent': USER_AGENT,
  };
}

/** The headers of a heartbeat POST: the agent's, plus HB-7's Idempotency-Key. */
export function heartbeatHeaders(token: string, key: string, options: WireOptions = agentWire): Record<string, string> {
  return { ...postHeaders(token, options), 'idempotency-key': key };
}

/**
 * zlib's default level with a 16 KB hash table (memLevel 6) instead of 64 KB (8): on heartbeats (1-100 KB of JSON) the
 * output is within 0.03 % of the default's size, and each body costs ~85 µs of CPU instead of ~170 µs and ~100 KB less
 * memory (most of the default's cost is setting up and clearing the larger tables, measured on 200 drawn heartbeats).
 */
const GZIP_OPTIONS = { memLevel: 6 } as const;

/** The body bytes of a serialized heartbeat: gzip (GZIP_OPTIONS; deterministic: no name, mtime 0), or the UTF-8 as is. */
export function encodeBody(json: string, options: WireOptions = agentWire): Buffer<ArrayBuffer> {
  const raw = Buffer.from(json, 'utf8');
  // A copy of its own: zlib's result is a view of a 16 KB chunk, and a simulator holds a pending body per agent.
  return options.gzip ? exactCopy(gzipSync(raw, GZIP_OPTIONS)) : raw;
}

/**
 * A heartbeat's body in two parts: `head`, its per-beat members as JSON without the closing brace
 * (`{"asset_id":…,"heartbeat_type":…,"timestamp":…,"status":{…}`), and `rest`, every other member without the closing
 * brace (`,"hardware_inventory":…`, or `''`); the body is `head + rest + '}'`. The agent and the simulator both build a
 * heartbeat's body from these, so its bytes are the same from both.
 */
export interface HeartbeatParts {
  head: string;
  rest: string;
}

/** Splits a heartbeat into its per-beat head and the rest of its inventory, in the agent's member order. */
export function heartbeatParts(hb: HeartbeatRequest): HeartbeatParts {
  const { asset_id, heartbeat_type, timestamp, status, ...rest } = hb;
  const head = JSON.stringify(status === undefined ? { asset_id, heartbeat_type, timestamp } : { asset_id, heartbeat_type, timestamp, status });
  const restJson = JSON.stringify(rest);
  return { head: head.slice(0, -1), rest: restJson === '{}' ? '' : `,${restJson.slice(1, -1)}` };
}

/** The rest of a heartbeat (HeartbeatParts.rest), deflated on first use and kept: a sender that resends it pays once. */
export class HeartbeatRest {
  private deflatedPart: DeflatedPart | undefined;
  constructor(readonly json: string) {}
  /** The rest and the closing brace deflated (GZIP_OPTIONS), computed once. */
  get deflated(): DeflatedPart {
    this.deflatedPart ??= deflatePart(`${this.json}}`, GZIP_OPTIONS);
    return this.deflatedPart;
  }
}

/**
 * The body bytes of a heartbeat: its head stored and its rest deflated in one gzip member (gzip-splice.ts), or the
 * UTF-8 as is without gzip. Inflated, it is exactly `head + rest.json + '}'`.
 */
export function encodeHeartbeat(head: string, rest: HeartbeatRest, options: WireOptions = agentWire): Buffer<ArrayBuffer> {
  return options.gzip ? gzipSpliced(head, rest.deflated) : Buffer.from(`${head}${rest.json}}`, 'utf8');
}

/**
 * Retry-After as seconds: delta-seconds as given, an HTTP date as the seconds until it, rounded UP (the one rounding
 * rule: AG-3 honours Retry-After as a minimum, so the agent never comes back before the date). Undefined when
 * absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** An answer classified for the scheduler, and why a 2xx body did not fit the contract (it still counts). */
export interface ClassifiedAnswer {
  outcome: SendOutcome;
  /** A 2xx whose body is not a HeartbeatResponse: accepted without steering (HB-1's shape broken). */
  contractViolation?: string;
}

/**
 * Classifies a heartbeat answer: any 2xx accepted (with HB-11's interval and ESC-3's ask when the body is a
 * HeartbeatResponse), 401 unauthorized (AG-6), 429 and 5xx server-error with Retry-After (AG-3), every other status
 * rejected (AG-4: 400 and other 4xx are not retried). `body` is the parsed JSON of a 2xx, if any.
 */
export function classifyAnswer(status: number, retryAfter: string | null | undefined, body: unknown, nowMs: number): ClassifiedAnswer {
  if (status >= 200 && status < 300) {
    const answer = check('heartbeatResponse', body);
    if (!answer.ok)
      return {
        outcome: { kind: 'accepted' },
        contractViolation: `${status} body is not a HeartbeatResponse (HB-1): ${formatFieldErrors(answer.errors).replace(/\n/g, '; ')}`,
      };
    const { next_heartbeat_in_s: nextHeartbeatInS, escrow_required: escrowRequired } = answer.value;
    return { outcome: { kind: 'accepted', nextHeartbeatInS, ...(escrowRequired === undefined ? {} : { escrowRequired }) } };
  }
  if (status === 401) return { outcome: { kind: 'unauthorized' } };
  if (status === 429 || status >= 500) {
    const retryAfterS = parseRetryAfter(retryAfter, nowMs);
    return { outcome: { kind: 'server-error', status, ...(retryAfterS === undefined ? {} : { retryAfterS }) } };
  }
  return { outcome: { kind: 'rejected', status } };
}

/**
 * ESC-3: a heartbeat carries the recovery keys only when the scheduler says the server asked, or when they differ
 * from the ones the server last accepted (never escrowed counts as different).
 */
export function sendRecoveryKeys(state: { haveKeys: boolean; changedSinceEscrow: boolean; serverAsked: boolean }): boolean {
  return state.haveKeys && (state.serverAsked || state.changedSinceEscrow);
}
