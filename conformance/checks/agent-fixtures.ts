import { randomBytes, randomUUID } from 'node:crypto';
import {
  AgentDetailSchema,
  HeartbeatHistoryPageSchema,
  RegisterResponseSchema,
  seedHeartbeat,
  validateMessage,
  type AgentDetail,
  type HeartbeatRequest,
  type StoredHeartbeat,
} from '@lanet/contracts';
import { describeResponse, type ConformanceHttp, type Exchange } from '../http/conformance-http.js';
import { SkipCheck, type CheckSettings } from './check-types.js';

/** A fresh agent identity for one check: registered (auth profile) or an unregistered asset id with no token (legacy mode, AUTH-5). */
export interface TestAgent {
  assetId: string;
  token?: string;
  fingerprint: string;
  hostname: string;
}

/** The decoded answer to a registration. */
export interface Registration {
  exchange: Exchange;
  assetId?: string;
  token?: string;
}

let lastTimestampMs = 0;

/** A unique RFC 3339 timestamp near now (unique so that two heartbeats are never taken for a retry, HB-7). */
export function uniqueTimestamp(offsetMs = 0): string {
  lastTimestampMs = Math.max(Date.now(), lastTimestampMs + 1);
  return new Date(lastTimestampMs + offsetMs).toISOString();
}

/** A random hardware fingerprint (REG-3), long enough for the contract. */
export function newFingerprint(): string {
  return `sha256:${randomBytes(16).toString('hex')}`;
}

/** Helpers every check uses to get an agent, send heartbeats and read them back; setup failures skip, never fail. */
export class AgentFixtures {
  constructor(
    private readonly http: ConformanceHttp,
    private readonly settings: CheckSettings,
  ) {}

  /** True when the target claims the auth profile (agents register and send tokens). */
  get authenticated(): boolean {
    return this.settings.profiles.has('auth');
  }

  /** Sends POST /api/agents/register with the given credential. */
  async register(body: unknown, secret: string | undefined = this.settings.enrollmentSecret): Promise<Registration> {
    const exchange = await this.http.send({ method: 'POST', path: '/api/agents/register', json: body, bearer: secret });
    const parsed = validateMessage(RegisterResponseSchema, exchange.json);
    if (exchange.status >= 200 && exchange.status < 300 && parsed.ok) {
      this.http.log.secrets.add(parsed.value.agent_token);
      return { exchange, assetId: parsed.value.asset_id, token: parsed.value.agent_token };
    }
    return { exchange };
  }

  /** A fresh agent: registered with the enrollment secret, or (core-only target) a random asset id without a token. */
  async fresh(label = 'conformance'): Promise<TestAgent> {
    const fingerprint = newFingerprint();
    const hostname = `${label}-${randomBytes(3).toString('hex')}`.slice(0, 60);
    if (!this.authenticated) return { assetId: randomUUID(), fingerprint, hostname };
    const reg = await this.register({ hardware_fingerprint: fingerprint, hostname, agent_version: 'conformance' });
    if (!reg.assetId || !reg.token) {
      throw new SkipCheck(`precondition failed: registering a fresh agent did not succeed (REG-1): ${describeResponse(reg.exchange)}`);
    }
    return { assetId: reg.assetId, token: reg.token, fingerprint, hostname };
  }

  /** The seed guide's heartbeat (HB-1) for this agent, with a unique current timestamp and its hostname. */
  heartbeat(agent: TestAgent): HeartbeatRequest {
    const hb = seedHeartbeat();
    hb.asset_id = agent.assetId;
    hb.timestamp = uniqueTimestamp();
    if (hb.hardware_inventory?.system) hb.hardware_inventory.system.hostname = agent.hostname;
    return hb;
  }

  /** Posts a heartbeat as the agent (its token, if any). */
  post(agent: TestAgent, payload: unknown, headers?: Record<string, string>): Promise<Exchange> {
    return this.http.send({ method: 'POST', path: '/api/agents/heartbeat', json: payload, bearer: agent.token, headers });
  }

  /** Posts a heartbeat that a setup step needs accepted; anything but 2xx skips the check (HB-1 and HB-2 own that failure). */
  async accept(agent: TestAgent, payload: unknown, headers?: Record<string, string>): Promise<Exchange> {
    const ex = await this.post(agent, payload, headers);
    if (ex.status < 200 || ex.status >= 300) {
      throw new SkipCheck(`precondition failed: a valid heartbeat was not accepted (HB-1/HB-2 cover this): ${describeResponse(ex)}`);
    }
    return ex;
  }

  /** Throws SkipCheck unless the fleet endpoints can be read (fleet profile and an admin token). */
  requireFleet(why: string): void {
    if (!this.settings.profiles.has('fleet') || !this.settings.adminToken) {
      throw new SkipCheck(`${why} needs the fleet profile and --admin-token to read back`);
    }
  }

  /** GET /api/agents/{id} with the admin token. */
  detailExchange(assetId: string): Promise<Exchange> {
    return this.http.send({ method: 'GET', path: `/api/agents/${assetId}`, bearer: this.settings.adminToken });
  }

  /** The agent's detail; a failed read skips the check (FLT-1/FLT-3 own it). */
  async detail(assetId: string): Promise<AgentDetail> {
    const ex = await this.detailExchange(assetId);
    const parsed = validateMessage(AgentDetailSchema, ex.json);
    if (ex.status !== 200 || !parsed.ok)
      throw new SkipCheck(`precondition failed: GET /api/agents/${assetId} did not answer an AgentDetail: ${describeResponse(ex)}`);
    return parsed.value;
  }

  /** Every stored heartbeat of an agent, newest first, following the cursor (FLT-4). */
  async history(assetId: string, pageSize = 100): Promise<StoredHeartbeat[]> {
    const items: StoredHeartbeat[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 50; page++) {
      const query: string = cursor ? `?limit=${pageSize}&cursor=${encodeURIComponent(cursor)}` : `?limit=${pageSize}`;
      const ex = await this.http.send({ method: 'GET', path: `/api/agents/${assetId}/heartbeats${query}`, bearer: this.settings.adminToken });
      const parsed = validateMessage(HeartbeatHistoryPageSchema, ex.json);
      if (ex.status !== 200 || !parsed.ok)
        throw new SkipCheck(`precondition failed: GET /api/agents/${assetId}/heartbeats did not answer a page: ${describeResponse(ex)}`);
      items.push(...parsed.value.items);
      cursor = parsed.value.next_cursor;
      if (!cursor) break;
    }
    return items;
  }

  /** Polls `read` until `done` holds or `timeoutMs` passes (read-back may lag a commit by a moment; HB-9 checks the immediate case). */
  async eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 2_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let value = await read();
    while (!done(value) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      value = await read();
    }
    return value;
  }
}
