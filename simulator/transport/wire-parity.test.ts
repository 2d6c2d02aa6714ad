import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeartbeatRequest } from '@lanet/contracts';
import { heartbeatArbitrary, propertySeed } from '@lanet/contracts/arbitraries';
import { sendHeartbeat } from '@lanet/reference-agent/transport/http-transport';
import { agentWire, idempotencyKey } from '@lanet/reference-agent/wire/heartbeat-wire';
import { PayloadTemplate } from '../agents/payload-template.js';
import { TargetClient } from './target-client.js';

// One capturing node:http server; the reference agent's transport and the simulator's client both send to it, so
// what they put on the wire, and how they read each answer, is compared byte for byte and outcome for outcome.
interface Captured {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

let server: Server;
let base: string;
let captured: Captured[] = [];
let answer: (res: ServerResponse) => void = (res) => res.end();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      captured.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const TOKEN = 'agent-token-0123456789abcdef0123456789abcdef';
/** Headers the wire policy sets; the rest (host, connection, fetch's accept*) belong to each HTTP client. */
const PROTOCOL_HEADERS = ['content-type', 'content-encoding', 'content-length', 'authorization', 'idempotency-key', 'user-agent'];
const ok = { status: 'ok', received_at: '2026-01-01T00:00:00Z', next_heartbeat_in_s: 300 };

/** The heartbeat in the reference agent's member order (build-heartbeat.ts): per-beat fields first, then the inventory. */
function inAgentOrder(hb: HeartbeatRequest): HeartbeatRequest {
  const { asset_id, heartbeat_type, timestamp, status, ...rest } = hb;
  return { asset_id, heartbeat_type, timestamp, ...(status ? { status } : {}), ...rest } as HeartbeatRequest;
}

async function bothSend(hb: HeartbeatRequest): Promise<{ agent: Captured; simulated: Captured }> {
  const client = new TargetClient(base, { connections: 1, timeoutMs: 5_000 });
  try {
    captured = [];
    await sendHeartbeat(base, TOKEN, hb);
    // As the fleet runner sends a beat: the template's wire body (the inventory deflated once, heartbeat-wire.ts).
    const body = new PayloadTemplate(structuredClone(hb)).wireBody(hb.timestamp, true, agentWire);
    await client.heartbeat(TOKEN, body, idempotencyKey(hb.asset_id, hb.timestamp));
    expect(captured).toHaveLength(2);
    return { agent: captured[0]!, simulated: captured[1]! };
  } finally {
    await client.close();
  }
}

describe("one wire policy: a simulated heartbeat is the reference agent's on the wire", () => {
  it('same method, path, protocol headers and gzip bytes for the same inventory (drawn inventories, seeded)', async () => {
    answer = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(ok));
    const seed = propertySeed();
    console.log(`wire-parity seed ${seed} (LANET_SEED=${seed} reproduces)`);
    const drawn = fc.sample(heartbeatArbitrary({ assetId: '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d', programs: { min: 0, max: 40 } }), { seed, numRuns: 8 });
    for (const hb of drawn.map(inAgentOrder)) {
      const { agent, simulated } = await bothSend(hb);
      expect(simulated.method).toBe(agent.method);
      expect(simulated.url).toBe(agent.url);
      for (const name of PROTOCOL_HEADERS) expect(simulated.headers[name], name).toBe(agent.headers[name]);
      expect(agent.headers['content-encoding']).toBe('gzip');
      expect(agent.headers['idempotency-key']).toBe(`${hb.timestamp}/${hb.asset_id}`);
      expect(simulated.body.equals(agent.body), 'gzip bytes differ').toBe(true);
      expect(JSON.parse(gunzipSync(simulated.body).toString('utf8'))).toEqual(hb);
    }
  });
});

/** Each answer class, and what the scheduler must be told (AG-2, AG-3, AG-4, AG-6, HB-11, ESC-3). */
const classes: Array<{ name: string; answer: (res: ServerResponse) => void; expected: unknown }> = [
  {
    name: '200 HeartbeatResponse with escrow_required',
    answer: (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...ok, next_heartbeat_in_s: 600, escrow_required: true })),
    expected: { kind: 'accepted', nextHeartbeatInS: 600, escrowRequired: true },
  },
  {
    name: '202 (any 2xx is accepted)',
    answer: (res) => res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify(ok)),
    expected: { kind: 'accepted', nextHeartbeatInS: 300 },
  },
  { name: '204 without a body (accepted, no steering)', answer: (res) => res.writeHead(204).end(), expected: { kind: 'accepted' } },
  {
    name: '400 problem+json',
    answer: (res) =>
      res
        .writeHead(400, { 'content-type': 'application/problem+json' })
        .end(JSON.stringify({ type: 'about:blank', title: 'Bad', status: 400, detail: 'x', errors: [{ path: '/status', message: 'required' }] })),
    expected: { kind: 'rejected', status: 400 },
  },
  { name: '401', answer: (res) => res.writeHead(401).end(), expected: { kind: 'unauthorized' } },
  { name: '404 (another 4xx)', answer: (res) => res.writeHead(404).end(), expected: { kind: 'rejected', status: 404 } },
  {
    name: '429 with Retry-After seconds',
    answer: (res) => res.writeHead(429, { 'retry-after': '30' }).end(),
    expected: { kind: 'server-error', status: 429, retryAfterS: 30 },
  },
  {
    name: '503 with Retry-After as an HTTP date (rounded up)',
    answer: (res) => res.writeHead(503, { 'retry-after': new Date(Math.floor(Date.now() / 1000) * 1000 + 120_000).toUTCString() }).end(),
    expected: { kind: 'server-error', status: 503, retryAfterS: 120 },
  },
  { name: '500 without Retry-After', answer: (res) => res.writeHead(500).end(), expected: { kind: 'server-error', status: 500 } },
  { name: 'connection reset (no answer)', answer: (res) => res.socket?.destroy(), expected: { kind: 'network-error' } },
];

describe('one wire policy: both classify every answer class the same', () => {
  for (const c of classes) {
    it(c.name, async () => {
      answer = c.answer;
      const hb = inAgentOrder(fc.sample(heartbeatArbitrary({ assetId: '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d' }), { seed: 1, numRuns: 1 })[0]!);
      const agentReport = await sendHeartbeat(base, TOKEN, hb);
      const client = new TargetClient(base, { connections: 1, timeoutMs: 5_000 });
      try {
        const simulated = await client.heartbeat(TOKEN, JSON.stringify(hb), idempotencyKey(hb.asset_id, hb.timestamp));
        // An HTTP date is whole seconds: 120 s after the current whole second is 119..120 s away, which rounds up to 120.
        expect(agentReport.outcome).toEqual(c.expected);
        expect(simulated.outcome).toEqual(agentReport.outcome);
      } finally {
        await client.close();
      }
    });
  }
});
