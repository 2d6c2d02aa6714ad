import { Pool, errors as undiciErrors } from 'undici';
import {
  FleetListSchema,
  HeartbeatHistoryPageSchema,
  HeartbeatRequestSchema,
  ProblemSchema,
  RegisterResponseSchema,
  limits,
  pathOf,
  route,
  validateMessage,
  type FleetList,
  type RegisterRequest,
  type RegisterResponse,
} from '@lanet/contracts';
import {
  HEARTBEAT_PATH,
  agentWire,
  classifyAnswer,
  encodeBody,
  heartbeatHeaders,
  postHeaders,
  type WireOptions,
} from '@lanet/reference-agent/wire/heartbeat-wire';
import type { SendResult } from './send-result.js';

/**
 * FLT-4 reads only each stored heartbeat's agent timestamp: the history page schema narrowed to it, derived from the
 * contract's shapes. zod copies what it validates, and the full schema copied every stored payload of every page
 * (the read-back after a 2,000-agent run took the simulator from ~220 MB to ~400 MB RSS, issue 13). Unknown members
 * are dropped unvalidated; FLT-3's round trip of whole payloads is the conformance suite's check.
 */
const HistoryTimestampsPageSchema = HeartbeatHistoryPageSchema.extend({
  items: HeartbeatHistoryPageSchema.shape.items.element
    .pick({ received_at: true })
    .extend({ payload: HeartbeatRequestSchema.pick({ timestamp: true }) })
    .array()
    .max(limits.historyPageMax),
});

/**
 * Heartbeats per history page of the FLT-4 read-back. Each page is parsed whole (its payloads too) before the
 * narrowed schema keeps two timestamps of each, so the page size bounds the read-back's transient memory: with 4
 * readers, 500-heartbeat pages peaked at 557 MB RSS after a PERF-1 run, 100-heartbeat pages at 362-381 MB after a
 * 10-minute one (issue 13). With 240 heartbeats per agent (500 agents, 60 s at 1200x) the read-back peaked at 290 MB
 * with pages of 100 and 236 MB with pages of 50, in about the same time.
 */
const HISTORY_PAGE = 50;

/** One stored heartbeat as FLT-4 reads it. */
export interface StoredTimestamp {
  received_at: string;
  payload: { timestamp: string };
}

/** How the simulator talks to a target. */
export interface TargetClientOptions {
  /** Keep-alive connection bound for heartbeats (and a small separate pool for admin reads). */
  connections: number;
  /** The agent's 15 s timeout (GEN-8, AG-2), in real milliseconds. */
  timeoutMs: number;
}

/**
 * The simulator's only way to reach a backend: HTTP over undici pools with keep-alive and a connection bound
 * (design: the simulator never imports reference-server/). Heartbeats and admin reads use separate pools so the
 * fleet-view polls of the checks never queue behind load.
 */
export class TargetClient {
  private readonly pool: Pool;
  private readonly adminPool: Pool;

  constructor(
    readonly baseUrl: string,
    options: TargetClientOptions,
  ) {
    const common = { headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs, keepAliveTimeout: 30_000, pipelining: 1 };
    this.pool = new Pool(baseUrl, { ...common, connections: options.connections });
    this.adminPool = new Pool(baseUrl, { ...common, connections: 4 });
  }

  /** REG-1: exchanges the enrollment secret for an asset id and token; throws with the server's answer otherwise. */
  async register(enrollmentSecret: string, request: RegisterRequest, wire: WireOptions = agentWire): Promise<RegisterResponse> {
    // As the agent registers (its wire policy). A connection the target closes under us (a keep-alive race on a busy
    // machine) is tried again, twice at most: registering the same fingerprint again is safe (REG-3).
    let res;
    for (let attempt = 1; ; attempt++) {
      try {
        res = await this.pool.request({
          path: pathOf('registerAgent'),
          method: 'POST',
          headers: postHeaders(enrollmentSecret, wire),
          body: encodeBody(JSON.stringify(request), wire),
        });
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const expected = Object.keys(route('registerAgent').responses)
        .filter((s) => s.startsWith('2'))
        .join(' or ');
      throw new Error(
        `POST ${pathOf('registerAgent')} answered ${res.statusCode} (REG-1 expects ${expected}): ${text.slice(0, 300)}. Check --enrollment-secret and that the target speaks protocol v1.`,
      );
    }
    const checked = validateMessage(RegisterResponseSchema, safeJson(text));
    if (!checked.ok)
      throw new Error(`POST ${pathOf('registerAgent')} answered a body that is not a RegisterResponse (REG-1): ${JSON.stringify(checked.errors)}`);
    return checked.value;
  }

  /**
   * Sends one heartbeat as the reference agent does (its wire policy: gzip, Idempotency-Key, headers; `wire` may
   * depart from it only by an explicit option) and classifies the answer with the agent's own rule.
   */
  async heartbeat(token: string, json: string | Uint8Array, key: string, wire: WireOptions = agentWire): Promise<SendResult> {
    let res;
    try {
      // A body already encoded by the wire policy (PayloadTemplate.wireBody) goes as is; JSON text is encoded here, on
      // the event loop as the agent does: one synchronous gzip (~85 µs for a drawn heartbeat) costs less CPU than a trip
      // through libuv's thread pool (~170 µs), and at PERF-1's rate CPU, not the event loop, is what runs out.
      const body = typeof json === 'string' ? encodeBody(json, wire) : json;
      res = await this.pool.request({ path: HEARTBEAT_PATH, method: 'POST', headers: heartbeatHeaders(token, key, wire), body });
    } catch (err) {
      return networkFailure(err);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      return networkFailure(err);
    }
    const status = res.statusCode;
    const retryAfter = res.headers['retry-after'];
    const success = status >= 200 && status < 300;
    const { outcome, contractViolation } = classifyAnswer(
      status,
      Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
      success ? safeJson(text) : undefined,
      Date.now(),
    );
    const result: SendResult = { outcome, status, ...(success ? {} : { errorKind: `http-${status}` }), ...(contractViolation ? { contractViolation } : {}) };
    if (status === 400) {
      const problem = validateMessage(ProblemSchema, safeJson(text));
      if (!problem.ok || !problem.value.errors) result.contractViolation = `400 without a problem+json errors array (HB-3): ${text.slice(0, 200)}`;
      else result.fieldErrors = problem.value.errors;
    }
    return result;
  }

  /**
   * FLT-1: the whole fleet view (or only the agents with `status`), every page followed (FLT-5: a backend pages it,
   * 100 agents by default), each page checked against the contract. Reading only the first page left most of a 2,000-agent fleet unseen by FLT-2.
   */
  async fleetList(adminToken: string, status?: FleetList['agents'][number]['status']): Promise<FleetList> {
    let cursor: string | null | undefined;
    let first: FleetList | undefined;
    const agents: FleetList['agents'] = [];
    // FLT-5's status filter, when asked: a backend that does not filter answers every agent, which is still a true view.
    const filter = status ? `&status=${status}` : '';
    for (let page = 0; page < 10_000; page++) {
      const query = `?limit=${limits.fleetPageMax}${filter}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const text = await this.adminGet(`${pathOf('listAgents')}${query}`, adminToken);
      const checked = validateMessage(FleetListSchema, safeJson(text));
      if (!checked.ok) throw new Error(`GET /api/agents answered a body that is not a FleetList (FLT-1): ${JSON.stringify(checked.errors.slice(0, 3))}`);
      first ??= checked.value;
      for (const agent of checked.value.agents) agents.push(agent);
      cursor = checked.value.next_cursor;
      if (!cursor) break; // null: the last page; absent: the backend does not page
    }
    return { ...first!, agents, next_cursor: null };
  }

  /**
   * FLT-4: one agent's stored heartbeats, newest first, one validated page at a time (a long run's history is never
   * held whole). The caller may stop early.
   */
  async *historyPages(adminToken: string, assetId: string): AsyncGenerator<StoredTimestamp[]> {
    let cursor: string | null = null;
    for (let page = 0; page < 100_000; page++) {
      const query: string = `?limit=${HISTORY_PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const text = await this.adminGet(`${pathOf('listHeartbeats', { asset_id: assetId })}${query}`, adminToken);
      const checked = validateMessage(HistoryTimestampsPageSchema, safeJson(text));
      if (!checked.ok)
        throw new Error(
          `GET /api/agents/${assetId}/heartbeats answered a body that is not a HeartbeatHistoryPage: ${JSON.stringify(checked.errors.slice(0, 3))}`,
        );
      yield checked.value.items;
      cursor = checked.value.next_cursor;
      if (cursor === null) return;
    }
  }

  /** Closes both pools (waits for in-flight requests). */
  async close(): Promise<void> {
    await Promise.all([this.pool.close(), this.adminPool.close()]);
  }

  private async adminGet(path: string, adminToken: string): Promise<string> {
    const res = await this.adminPool.request({ path, method: 'GET', headers: { authorization: `Bearer ${adminToken}` } });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`GET ${path} answered ${res.statusCode}: ${text.slice(0, 300)}. Check --admin-token.`);
    return text;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** AG-2: no answer at all; a timeout is its own kind so the report can tell them apart. */
function networkFailure(err: unknown): SendResult {
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
    return { outcome: { kind: 'timeout' }, status: 0, errorKind: 'timeout' };
  }
  const code = (err as { code?: string }).code ?? (err as Error).name ?? 'network';
  return { outcome: { kind: 'network-error' }, status: 0, errorKind: code };
}
