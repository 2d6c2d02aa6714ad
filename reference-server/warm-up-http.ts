import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { pathOf, seedSizedHeartbeat } from '@lanet/contracts';
import type { WarmUpFigures } from './ingest/warm-up-ingest.js';
import { defaultConfig, type ServerConfig } from './server-config.js';
import type { RunningServer } from './start-server.js';

/** Heartbeats in flight at once during the warm-up: enough to exercise group commit and the heartbeat lane. */
const WARM_UP_CONCURRENCY = 16;

/** Starts a server; passed in by start-server.ts, which this module must not import back. */
type StartThrowaway = (config: ServerConfig) => Promise<RunningServer>;

/** POSTs `body` and resolves with the status and the answer text. */
function post(url: URL, agent: Agent, headers: Record<string, string>, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Warms this thread's request path (HTTP parsing, gunzip, auth, the heartbeat lane, answers) with `count` gzipped
 * seed-sized heartbeats, or for `maxMs`, whichever ends first, against a throwaway server on an in-memory database
 * and a loopback port of its own; the real server, started afterwards, reuses the compiled code. Why, and why it is
 * off by default: see warm-up-ingest.ts. Nothing reaches the real database or port.
 */
export async function warmUpHttp(startThrowaway: StartThrowaway, count: number, maxMs: number): Promise<WarmUpFigures> {
  const started = performance.now();
  const enrollmentSecret = randomBytes(24).toString('hex');
  const server = await startThrowaway({
    ...defaultConfig,
    host: '127.0.0.1',
    port: 0,
    database: ':memory:',
    enrollmentSecret,
    adminToken: randomBytes(24).toString('hex'),
    escrowKey: randomBytes(32).toString('hex'),
  });
  const agent = new Agent({ keepAlive: true, maxSockets: WARM_UP_CONCURRENCY });
  let sent = 0;
  try {
    const json = { 'content-type': 'application/json' };
    const reg = await post(
      new URL(pathOf('registerAgent'), server.url),
      agent,
      { ...json, authorization: `Bearer ${enrollmentSecret}` },
      Buffer.from(JSON.stringify({ hardware_fingerprint: `warm-up-${randomBytes(8).toString('hex')}`, hostname: 'warm-up' })),
    );
    if (reg.status !== 200 && reg.status !== 201) throw new Error(`the warm-up server refused registration (${reg.status}): ${reg.text.slice(0, 200)}`);
    const { asset_id: assetId, agent_token: token } = JSON.parse(reg.text) as { asset_id: string; agent_token: string };
    const url = new URL(pathOf('postHeartbeat'), server.url);
    const template = { ...seedSizedHeartbeat(), asset_id: assetId };
    const baseMs = Date.now();
    const deadline = started + maxMs;
    const loop = async (): Promise<void> => {
      while (sent < count && performance.now() < deadline) {
        const i = sent++;
        const body = gzipSync(JSON.stringify({ ...template, timestamp: new Date(baseMs + i * 1000).toISOString() }));
        const headers = { ...json, 'content-encoding': 'gzip', authorization: `Bearer ${token}`, 'idempotency-key': `warm-up-${i}` };
        const answer = await post(url, agent, headers, body);
        if (answer.status !== 200) throw new Error(`the warm-up server answered a heartbeat ${answer.status}: ${answer.text.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: WARM_UP_CONCURRENCY }, loop));
  } finally {
    agent.destroy();
    await server.close();
  }
  return { heartbeats: sent, ms: Math.round(performance.now() - started) };
}
