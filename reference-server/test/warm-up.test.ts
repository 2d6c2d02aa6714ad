import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetListSchema } from '@lanet/contracts';
import { toConfig } from '../cli/server-command.js';
import { warmUpIngest } from '../ingest/warm-up-ingest.js';
import { defaultConfig } from '../server-config.js';
import { startServer } from '../start-server.js';
import { call, enroll, heartbeatFor, postHeartbeat } from './http-client.js';
import { TEST_ADMIN_TOKEN, TEST_ENROLLMENT_SECRET, TEST_ESCROW_KEY } from './test-server.js';

describe('warm-up before listening (issue 13: PERF-1 start-up burst)', () => {
  it('is off unless --warm-up is given (its effect on the burst was not shown)', () => {
    const base = { host: '127.0.0.1', port: '0', database: 'x.db', offlineAfter: '600', heartbeatInterval: '300' };
    expect(toConfig(base, {}).warmUp).toBe(false);
    expect(toConfig({ ...base, warmUp: true }, {}).warmUp).toBe(true);
  });

  it('runs heartbeats through the ingest hot path on a throwaway database', async () => {
    const figures = await warmUpIngest(100);
    expect(figures.heartbeats).toBe(100);
    expect(figures.ms).toBeGreaterThan(0);
  });

  it('leaves nothing in the real database and serves as usual afterwards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanet-warm-'));
    const server = await startServer({
      ...defaultConfig,
      port: 0,
      database: join(dir, 'lanet.db'),
      enrollmentSecret: TEST_ENROLLMENT_SECRET,
      adminToken: TEST_ADMIN_TOKEN,
      escrowKey: TEST_ESCROW_KEY,
      warmUp: true,
    });
    try {
      const before = FleetListSchema.parse((await call(`${server.url}/api/agents`, { token: TEST_ADMIN_TOKEN })).body);
      expect(before.agents).toEqual([]); // the warm-up agent and its 2,000 heartbeats went to in-memory databases
      const reg = await enroll(server.url);
      expect((await postHeartbeat(server.url, reg.agent_token, heartbeatFor(reg.asset_id))).status).toBe(200);
      const after = FleetListSchema.parse((await call(`${server.url}/api/agents`, { token: TEST_ADMIN_TOKEN })).body);
      expect(after.agents.map((a) => a.asset_id)).toEqual([reg.asset_id]);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
