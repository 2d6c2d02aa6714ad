import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { seedSizedHeartbeat } from '@lanet/contracts';
import { spawnReferenceServer } from '@lanet/cli/spawn-reference-server';
import { adminGet, enroll } from './http-client.js';
import { newTestSchema } from './postgres-schema.js';
import { STORE_KINDS, TEST_ADMIN_TOKEN, TEST_ENROLLMENT_SECRET } from './test-server.js';

// The kill comes once enough heartbeats were acknowledged (at least MIN_LOAD_MS in), bounded by MAX_LOAD_MS.
const MIN_LOAD_MS = 1000;
const MAX_LOAD_MS = 10_000;
const MIN_ACKED = 200;
const CONNECTIONS = 32;

describe.each(STORE_KINDS)('crash durability (%s store)', (kind) => {
  it('HB-9: kill -9 during a load run loses no heartbeat that was answered 200', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanet-crash-'));
    const schema = kind === 'postgres' ? newTestSchema() : undefined;
    const database = schema?.url ?? join(dir, 'lanet.db');
    const options = { enrollmentSecret: TEST_ENROLLMENT_SECRET, adminToken: TEST_ADMIN_TOKEN, database, env: { LANET_ESCROW_KEY: 'ef'.repeat(32) } };
    try {
      const server = await spawnReferenceServer(options);
      const agents = await Promise.all(Array.from({ length: 4 }, () => enroll(server.url)));
      const acknowledged = new Map<string, Set<string>>(agents.map((a) => [a.asset_id, new Set()]));
      const dispatcher = new Agent({ connections: CONNECTIONS });
      let seq = 0;
      let killed = false;
      const template = seedSizedHeartbeat();
      const loop = async (i: number) => {
        const agent = agents[i % agents.length]!;
        while (!killed) {
          const timestamp = new Date(Date.UTC(2025, 0, 1) + seq++).toISOString();
          try {
            const res = await request(`${server.url}/api/agents/heartbeat`, {
              method: 'POST',
              dispatcher,
              headers: { 'content-type': 'application/json', authorization: `Bearer ${agent.agent_token}` },
              body: JSON.stringify({ ...template, asset_id: agent.asset_id, timestamp }),
            });
            await res.body.text();
            if (res.statusCode === 200) acknowledged.get(agent.asset_id)!.add(timestamp);
          } catch {
            // The connection died with the server: this heartbeat was never acknowledged.
          }
        }
      };
      const loops = Array.from({ length: CONNECTIONS }, (_, i) => loop(i));
      const acked = () => [...acknowledged.values()].reduce((n, set) => n + set.size, 0);
      const started = Date.now();
      while (Date.now() - started < MAX_LOAD_MS && (Date.now() - started < MIN_LOAD_MS || acked() < MIN_ACKED)) {
        await new Promise((r) => setTimeout(r, 100));
      }
      server.process.kill('SIGKILL');
      await new Promise((r) => server.process.once('exit', r));
      killed = true;
      await Promise.all(loops);
      await dispatcher.close();
      const total = [...acknowledged.values()].reduce((n, s) => n + s.size, 0);
      expect(total).toBeGreaterThan(50); // the load really ran (normally MIN_ACKED or more)

      const restarted = await spawnReferenceServer(options);
      try {
        for (const [assetId, timestamps] of acknowledged) {
          const storedTs = new Set<string>();
          let cursor: string | null = null;
          do {
            const page = await adminGet(restarted.url, `/api/agents/${assetId}/heartbeats?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
            for (const item of page.body.items as Array<{ payload: { timestamp: string } }>) storedTs.add(item.payload.timestamp);
            cursor = page.body.next_cursor;
          } while (cursor);
          const lost = [...timestamps].filter((t) => !storedTs.has(t));
          expect(lost, `${lost.length} acknowledged heartbeats of ${assetId} lost`).toEqual([]);
        }
      } finally {
        await restarted.stop();
      }
    } finally {
      await schema?.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
