import { Agent, request } from 'undici';
import { SkipCheck, type SentRequest } from '../checks/check-types.js';
import { checkResponseContract } from './response-contract.js';

/** The agent's timeout (GEN-8): a response slower than this is a GEN-8 violation wherever it happens. */
export const AGENT_TIMEOUT_MS = 15_000;
/**
 * The suite waits a little longer than the agent would, so that a slow answer is measured (GEN-8 reports it), but no
 * longer: an answer after this is useless to an agent, and waiting 30 s per request let a slow target hold a run for
 * minutes.
 */
export const CLIENT_TIMEOUT_MS = AGENT_TIMEOUT_MS + 2_000;
/** After this many answers slower than the agent's timeout the target is judged too slow (GEN-8) and the rest of the run is skipped. */
export const SLOW_TARGET_TRIP = 3;
/** Request bodies larger than this are kept only as a size in the exchange log. */
const KEEP_BODY_MAX = 512 * 1024;

/** One request and what came back, with every contract violation of the response. */
export interface Exchange {
  /** The check that made the request. */
  checkKey: string;
  sent: SentRequest;
  /** 0 when no response arrived (connection refused, reset, timeout). */
  status: number;
  headers: Record<string, string>;
  bodyText: string;
  /** The parsed body, undefined when it was not JSON. */
  json: unknown;
  durationMs: number;
  /** Network error, when no response arrived. */
  error?: string;
  contractErrors: string[];
  /** The requirement that owns the response's shape when it is not the sending check's (RequestSpec.contractOwner). */
  contractOwner?: string;
}

/** What a check asks to send. */
export interface RequestSpec {
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** A value is sent as JSON; a string or Buffer is sent as-is. */
  json?: unknown;
  body?: string | Buffer;
  /** Bearer credential for the Authorization header. */
  bearer?: string;
  /** Return a timed-out exchange (status 0) instead of skipping the check: for checks that judge timeliness themselves (GEN-8). */
  keepTimeouts?: boolean;
  /**
   * The requirement that owns this answer's shape, when it is not the sending check's own (e.g. FLT-1 for the fleet
   * list read by ESC-1): a contract violation in it then fails only the owner's checks (one bug, one red requirement).
   */
  contractOwner?: string;
}

/** Reads the suite's record of a run: every exchange and every secret it handed to the target. */
export class ExchangeLog {
  readonly exchanges: Exchange[] = [];
  /** Secrets the suite sent or was issued (AUTH-4): they must never come back in an error body. */
  readonly secrets = new Set<string>();
  /** Recovery keys the suite escrowed (ESC-1): they must never come back from a fleet endpoint. */
  readonly recoveryKeys = new Set<string>();
  /** Requests answered after the agent's timeout, or not at all within CLIENT_TIMEOUT_MS. */
  slowAnswers = 0;

  /** True once the target has been too slow SLOW_TARGET_TRIP times: every later request is skipped at once. */
  get tooSlow(): boolean {
    return this.slowAnswers >= SLOW_TARGET_TRIP;
  }
}

/** True when an exchange got no answer because the client gave up waiting (not a reset or a refusal). */
export function timedOut(ex: Exchange): boolean {
  return ex.status === 0 && /Timeout/i.test(ex.error ?? '');
}

/** HTTP client bound to one target and one check: every response is timed, logged and checked against the contract. */
export class ConformanceHttp {
  constructor(
    readonly baseUrl: string,
    private readonly dispatcher: Agent,
    readonly log: ExchangeLog,
    readonly checkKey: string,
  ) {}

  /** A client for another check, sharing the connection pool and the log. */
  forCheck(checkKey: string): ConformanceHttp {
    return new ConformanceHttp(this.baseUrl, this.dispatcher, this.log, checkKey);
  }

  /**
   * Sends one request and records the exchange; network errors come back as status 0. A request the target does not
   * answer within CLIENT_TIMEOUT_MS skips the check that sent it (GEN-8 owns slowness: one bug, one red requirement),
   * and once the target has been too slow SLOW_TARGET_TRIP times every later request skips at once, so a target that
   * answers nothing in time is judged in well under two minutes.
   */
  async send(spec: RequestSpec): Promise<Exchange> {
    if (this.log.tooSlow)
      throw new SkipCheck(
        `skipped: the target answered ${this.log.slowAnswers} requests after the agent's ${AGENT_TIMEOUT_MS / 1000} s timeout or not at all (GEN-8 reports them), so the rest of the run is not attempted`,
      );
    const exchange = await this.sendOnce(spec);
    if (spec.contractOwner !== undefined) exchange.contractOwner = spec.contractOwner;
    if (exchange.durationMs > AGENT_TIMEOUT_MS || timedOut(exchange)) this.log.slowAnswers++;
    if (timedOut(exchange) && !spec.keepTimeouts)
      throw new SkipCheck(`precondition failed: ${spec.method} ${spec.path} got no answer within ${CLIENT_TIMEOUT_MS / 1000} s (GEN-8 reports it)`);
    return exchange;
  }

  private async sendOnce(spec: RequestSpec): Promise<Exchange> {
    const headers: Record<string, string> = { ...spec.headers };
    let body: string | Buffer | undefined = spec.body;
    if (spec.json !== undefined) {
      body = JSON.stringify(spec.json);
      headers['content-type'] ??= 'application/json';
    }
    if (spec.bearer !== undefined) {
      headers['authorization'] = `Bearer ${spec.bearer}`;
      this.log.secrets.add(spec.bearer);
    }
    const sent: SentRequest = { method: spec.method, path: spec.path, headers };
    if (body !== undefined) sent.body = body.length <= KEEP_BODY_MAX ? body.toString() : `<${body.length} bytes not kept>`;
    const started = performance.now();
    const exchange = await this.attempt(spec.method, spec.path, headers, body, sent);
    // A reused keep-alive connection the server closed at the same moment resets before any answer: retry a GET once.
    if (exchange.status === 0 && (spec.method === 'GET' || spec.method === 'HEAD') && /ECONNRESET|other side closed|SocketError/i.test(exchange.error ?? '')) {
      const retry = await this.attempt(spec.method, spec.path, headers, body, sent);
      retry.durationMs = performance.now() - started;
      this.log.exchanges.push(retry);
      return retry;
    }
    exchange.durationMs = performance.now() - started;
    this.log.exchanges.push(exchange);
    return exchange;
  }

  private async attempt(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string | Buffer | undefined,
    sent: SentRequest,
  ): Promise<Exchange> {
    const spec = { method, path };
    const exchange: Exchange = { checkKey: this.checkKey, sent, status: 0, headers: {}, bodyText: '', json: undefined, durationMs: 0, contractErrors: [] };
    try {
      const res = await request(new URL(spec.path, this.baseUrl), {
        method: spec.method as 'GET',
        headers,
        body,
        dispatcher: this.dispatcher,
        headersTimeout: CLIENT_TIMEOUT_MS,
        bodyTimeout: CLIENT_TIMEOUT_MS,
      });
      exchange.status = res.statusCode;
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined) exchange.headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      exchange.bodyText = await res.body.text();
      try {
        exchange.json = exchange.bodyText === '' ? undefined : JSON.parse(exchange.bodyText);
      } catch {
        exchange.json = undefined;
      }
      exchange.contractErrors = checkResponseContract(spec.method, spec.path, res.statusCode, exchange.bodyText);
    } catch (err) {
      exchange.error =
        err instanceof Error ? `${err.name}: ${err.message}${(err as { code?: string }).code ? ` (${(err as { code?: string }).code})` : ''}` : String(err);
    }
    return exchange;
  }
}

/** Creates the shared connection pool for a target. */
export function createDispatcher(): Agent {
  return new Agent({ connections: 32, keepAliveTimeout: 2_000, pipelining: 1 });
}

/** Renders an exchange's response in one line for a finding. */
export function describeResponse(ex: Exchange): string {
  if (ex.status === 0) return `no response (${ex.error ?? 'unknown error'}) after ${Math.round(ex.durationMs)} ms`;
  const type = ex.headers['content-type'] ?? 'no content-type';
  const body = ex.bodyText.length > 600 ? `${ex.bodyText.slice(0, 600)}... (${ex.bodyText.length} chars)` : ex.bodyText;
  return `${ex.status} (${type}) ${body}`;
}
