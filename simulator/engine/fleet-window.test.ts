import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeartbeatScheduler } from '@lanet/reference-agent/scheduler/heartbeat-scheduler';
import { seedSizedInventory } from '../agents/agent-inventory.js';
import { runFleet } from './fleet-runner.js';

// A target that falls behind: every heartbeat is answered 150 ms late. It counts the heartbeats it holds at once.
const ANSWER_DELAY_MS = 150;
let server: Server;
let base: string;
let open = 0;
let maxOpen = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.includes('register')) {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ asset_id: randomUUID(), agent_token: `token-${randomUUID()}`, heartbeat_interval_s: 300 }));
        return;
      }
      open++;
      maxOpen = Math.max(maxOpen, open);
      setTimeout(() => {
        open--;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok', received_at: new Date().toISOString(), next_heartbeat_in_s: 300 }));
      }, ANSWER_DELAY_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the in-flight window (issue 13: memory flat when the target falls behind)', () => {
  it('never has more sends in flight than the window; the rest wait as schedule lag, counted in latency, and all arrive (stopped agents too)', async () => {
    const lines: string[] = [];
    maxOpen = 0;
    // 60 agents all due within 0.05 s real, 2 connections: a window of 4, so most sends must wait their turn.
    const result = await runFleet({
      sendUrl: base,
      agents: 60,
      shard: { index: 0, count: 1 },
      durationS: 1.5,
      timeScale: 300,
      intervalS: 300,
      seed: 7,
      enrollmentSecret: 'secret',
      connections: 2,
      createScheduler: (random) => new HeartbeatScheduler({ intervalS: 300, startupDelayMaxS: 15, ignoreServerInterval: true }, random),
      inventoryFor: seedSizedInventory,
      progress: (line) => lines.push(line),
      // Every agent's service stops after its first slot (all first sends are scheduled within 15 protocol s).
      hooks: { stopAt: () => 20_000 },
    });
    const inFlight = lines.map((l) => Number(/in flight (\d+)/.exec(l)?.[1]));
    const waiting = lines.map((l) => Number(/waiting (\d+)/.exec(l)?.[1]));
    expect(Math.max(...inFlight), lines.join('\n')).toBeLessThanOrEqual(4);
    expect(Math.max(...waiting), lines.join('\n')).toBeGreaterThan(0);
    expect(maxOpen).toBeLessThanOrEqual(2);
    const m = result.metrics;
    // Every send due in the run left and was answered, even those that waited past their agent's stop (scheduled before it).
    expect(m.sent).toBe(60);
    expect(m.accepted).toBe(m.sent);
    expect(result.undelivered).toEqual([]);
    // 60 sends through 2 connections at 150 ms each take >= 4.5 s: the wait shows as lag, and latency includes it.
    expect(m.lagUs.maxValue / 1000).toBeGreaterThan(1000);
    expect(m.latencyUs.maxValue).toBeGreaterThanOrEqual(m.lagUs.maxValue + ANSWER_DELAY_MS * 1000 * 0.9);
  }, 30_000);
});
