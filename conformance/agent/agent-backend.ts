import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { HeartbeatRequestSchema, pathOf, problemOf, RegisterRequestSchema, validateMessage, type FieldError, type ProblemSlug } from '@lanet/contracts';
import type { AgentEvent } from './analyze-agent-run.js';
import { faultAt, retryAfterS, schedule } from './agent-schedule.js';

/** A running mock backend for agent conformance. */
export interface AgentBackend {
  url: string;
  events: AgentEvent[];
  /** Resolves with the agent's first request (of any kind): the clock of the run starts there, not at listen. */
  arrived: Promise<void>;
  /** Resolves once the whole fault schedule has been played (or never, if no agent comes). */
  finished: Promise<void>;
  close: () => Promise<void>;
}

/** Answers a problem of the contracts' problem table (GEN-1), as any backend would. */
function problem(res: ServerResponse, slug: ProblemSlug, detail: string, errors?: FieldError[], headers: Record<string, string> = {}): void {
  const body = problemOf(slug, detail, errors);
  res.writeHead(body.status, { 'content-type': 'application/problem+json', ...headers });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const raw = Buffer.concat(chunks);
        const text = (req.headers['content-encoding'] ?? '').includes('gzip') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
        resolve(JSON.parse(text));
      } catch {
        resolve(undefined);
      }
    });
    req.on('error', () => resolve(undefined));
  });
}

/**
 * A backend that validates every payload against the contract, records when each request arrived, and injects the
 * fault schedule (outage, 503 with Retry-After, 400, 401, a slow answer) relative to the agent's first heartbeat.
 */
export async function startAgentBackend(options: { host: string; port: number; intervalS: number; enrollmentSecret: string }): Promise<AgentBackend> {
  const { intervalS, enrollmentSecret } = options;
  // Times are seconds since the agent's first request: an agent started minutes after the mock is judged the same.
  let started: number | undefined;
  let arrive: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => {
    arrive = resolve;
  });
  const now = () => {
    if (started === undefined) {
      started = performance.now();
      arrive();
    }
    return (performance.now() - started) / 1000;
  };
  const events: AgentEvent[] = [];
  const tokens = new Map<string, string>(); // token -> asset
  const assets = new Map<string, string>(); // fingerprint -> asset
  const fired = new Set<number>();
  let anchor: number | undefined;
  let accepted = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });

  const server = createServer(async (req, res) => {
    const atS = now();
    const body = await readBody(req);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (req.method === 'POST' && req.url === pathOf('registerAgent')) {
      const checked = validateMessage(RegisterRequestSchema, body);
      events.push({ atS, kind: 'register', fault: 'ok', problems: checked.ok ? [] : checked.errors.map((e) => `${e.path}: ${e.message}`) });
      if (bearer !== enrollmentSecret) return problem(res, 'unauthorized', 'Wrong enrollment secret.');
      if (!checked.ok) return problem(res, 'validation', 'See errors.', checked.errors);
      const asset = assets.get(checked.value.hardware_fingerprint) ?? randomUUID();
      assets.set(checked.value.hardware_fingerprint, asset);
      for (const [t, a] of tokens) if (a === asset) tokens.delete(t); // REG-3: the old token stops working
      const token = randomBytes(24).toString('hex');
      tokens.set(token, asset);
      res.writeHead(201, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ asset_id: asset, agent_token: token, heartbeat_interval_s: 300 }));
    }
    if (req.method !== 'POST' || req.url !== pathOf('postHeartbeat')) return problem(res, 'not-found', `${req.method} ${req.url} is not part of this mock.`);
    const checked = validateMessage(HeartbeatRequestSchema, body);
    const problems = checked.ok ? [] : checked.errors.map((e) => `${e.path}: ${e.message}`);
    const collectionErrors = checked.ok ? (checked.value.collection_errors ?? []).map((c) => c.collector) : undefined;
    if (bearer === undefined || !tokens.has(bearer)) {
      events.push({ atS, kind: 'heartbeat', fault: 'unauthorized', problems, token: bearer, collectionErrors, sectionsConsistent: checked.ok });
      return problem(res, 'unauthorized', 'Unknown agent token; register again.');
    }
    accepted += 1;
    if (accepted === 2) anchor = atS;
    const at = anchor === undefined ? { slot: -1, fault: 'ok' as const } : faultAt(atS - anchor, intervalS);
    // Each fault hits once (the outage lasts its window): the agent's retry or re-send then meets a healthy backend.
    const fault = at.fault !== 'ok' && at.fault !== 'outage' && fired.has(at.slot) ? 'ok' : at.fault;
    if (fault !== 'ok' && fault !== 'outage') fired.add(at.slot);
    events.push({ atS, kind: 'heartbeat', fault, problems, token: bearer, collectionErrors, sectionsConsistent: checked.ok });
    if (anchor !== undefined && atS - anchor > (schedule.length - 0.5) * intervalS) finish();
    switch (fault) {
      case 'outage':
        return void req.socket.destroy();
      case 'unavailable':
        return problem(res, 'overloaded', 'Injected overload.', undefined, { 'retry-after': String(retryAfterS(intervalS)) });
      case 'reject':
        return problem(res, 'validation', 'Injected rejection.', [{ path: '/status/cpu_usage', message: 'injected by the conformance backend' }]);
      case 'unauthorized':
        tokens.delete(bearer);
        return problem(res, 'unauthorized', 'Injected: the token was revoked; register again.');
      case 'slow':
        await new Promise((r) => setTimeout(r, 0.3 * intervalS * 1000));
        break;
      default:
        break;
    }
    if (!checked.ok) return problem(res, 'validation', 'See errors.', checked.errors);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', received_at: new Date().toISOString(), next_heartbeat_in_s: 300 }));
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    events,
    arrived,
    finished,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
