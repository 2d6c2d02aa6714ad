import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetClient } from './target-client.js';

// A backend that pages its fleet view (FLT-5): 2 agents per page, 5 agents, whatever limit is asked.
const ids = Array.from({ length: 5 }, (_, k) => `3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0${k}`);
let server: Server;
let base: string;
const asked: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    asked.push(url.search);
    const from = Number(url.searchParams.get('cursor') ?? 0);
    const agents = ids.slice(from, from + 2).map((asset_id) => ({
      asset_id,
      hostname: 'h',
      status: 'online',
      last_seen_at: new Date().toISOString(),
      clock_skew_s: null,
      clock_skew_flagged: false,
      partial: false,
      registered_at: new Date().toISOString(),
    }));
    const next = from + 2 < ids.length ? String(from + 2) : null;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ agents, next_cursor: next, offline_after_s: 2 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('TargetClient.fleetList (FLT-1, FLT-5)', () => {
  it('follows next_cursor to the last page, so the watcher sees the whole fleet, not its first page', async () => {
    const client = new TargetClient(base, { connections: 1, timeoutMs: 5_000 });
    try {
      const list = await client.fleetList('admin');
      expect(list.agents.map((a) => a.asset_id)).toEqual(ids);
      expect(list.offline_after_s).toBe(2);
      expect(asked).toHaveLength(3);
      expect(asked[1]).toContain('cursor=2');
    } finally {
      await client.close();
    }
  });
});
