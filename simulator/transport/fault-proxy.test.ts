import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../engine/seeded-random.js';
import { FaultProxy } from './fault-proxy.js';
import { TargetClient } from './target-client.js';

// The thing under test is the proxy; the upstream is a plain node:http server that counts what reaches it.
let upstream: Server;
let reached = 0;
let proxy: FaultProxy;
let client: TargetClient;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      reached++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', received_at: new Date().toISOString(), next_heartbeat_in_s: 300 }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  proxy = new FaultProxy('127.0.0.1', (upstream.address() as AddressInfo).port, createRandom(7));
  client = new TargetClient(await proxy.start(), { connections: 4, timeoutMs: 5_000 });
});

afterAll(async () => {
  await client.close();
  await proxy.stop();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

describe('FaultProxy', () => {
  it('passes traffic through, then cuts it (network error, AG-2), answers 503 with Retry-After (AG-3), and recovers', async () => {
    const ok = await client.heartbeat('x', '{}', 'k');
    expect(ok.outcome).toEqual({ kind: 'accepted', nextHeartbeatInS: 300 });

    proxy.setMode({ kind: 'cut' });
    const before = reached;
    const cut = await client.heartbeat('x', '{}', 'k');
    expect(cut.outcome.kind).toBe('network-error');
    expect(reached).toBe(before);

    proxy.setMode({ kind: 'unavailable', retryAfterS: 120 });
    const unavailable = await client.heartbeat('x', '{}', 'k');
    expect(unavailable.outcome).toEqual({ kind: 'server-error', status: 503, retryAfterS: 120 });
    expect(reached).toBe(before);

    proxy.setMode({ kind: 'pass' });
    const again = await client.heartbeat('x', '{}', 'k');
    expect(again.outcome.kind).toBe('accepted');
    expect(reached).toBe(before + 1);
  });

  it('flaky mode loses answers after the target processed the request', async () => {
    proxy.setMode({ kind: 'flaky', dropRequest: 0, dropResponse: 1 });
    const before = reached;
    const lost = await client.heartbeat('x', '{}', 'k');
    expect(lost.outcome.kind).toBe('network-error');
    expect(reached).toBe(before + 1);
    expect(proxy.stats.droppedResponses).toBeGreaterThan(0);
    proxy.setMode({ kind: 'pass' });
  });
});
