import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeartbeatResponseSchema, ProblemSchema, getAtPointer, seedHeartbeat, seedSizedHeartbeat } from '@lanet/contracts';
import { adminGet, call, enroll, heartbeatFor, postHeartbeat } from './http-client.js';
import { queryDatabase } from './database-text.js';
import { STORE_KINDS, startTestServer, type TestServer } from './test-server.js';

describe.each(STORE_KINDS)('heartbeat ingestion over HTTP (%s store)', (kind) => {
  let server: TestServer;
  let base: string;
  beforeAll(async () => {
    server = await startTestServer(kind);
    base = server.url;
  });
  afterAll(async () => {
    await server?.stop();
  });

  const stored = async (assetId: string) => (await adminGet(base, `/api/agents/${assetId}/heartbeats?limit=500`)).body.items.length as number;

  it('HB-1: the seed guide example (real UUID) gets 200 {status, received_at, next_heartbeat_in_s}', async () => {
    const agent = await enroll(base);
    const hb = seedHeartbeat();
    hb.asset_id = agent.asset_id;
    const before = Date.now();
    const r = await postHeartbeat(base, agent.agent_token, hb);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    const body = HeartbeatResponseSchema.parse(r.body);
    expect(body.next_heartbeat_in_s).toBe(300);
    expect(Date.parse(body.received_at)).toBeGreaterThanOrEqual(before - 5);
    expect(await stored(agent.asset_id)).toBe(1);
  });

  it('HB-2: accepts the contract extremes: no programs, 60 programs, no BitLocker, several disks, null domain, unicode', async () => {
    const agent = await enroll(base);
    const variants: Array<(hb: ReturnType<typeof seedHeartbeat>) => void> = [
      (hb) => {
        hb.software_inventory!.installed_programs = [];
      },
      (hb) => {
        hb.software_inventory!.installed_programs = Array.from({ length: 60 }, (_, i) => ({ name: `Program ${i}`, version: null }));
      },
      (hb) => {
        hb.hardware_inventory!.bitlocker = { supported: false, protected_volumes: 0, volumes: [] };
      },
      (hb) => {
        hb.hardware_inventory!.disks = [0, 1, 2].map((i) => ({ ...hb.hardware_inventory!.disks![0]!, device: `Disk ${i}` }));
      },
      (hb) => {
        hb.hardware_inventory!.system!.domain = null;
        hb.hardware_inventory!.system!.workgroup = 'WORKGROUP';
      },
      (hb) => {
        hb.hardware_inventory!.system!.hostname = 'Rechner-Müller-東京-🖥';
        hb.software_inventory!.installed_programs = [{ name: 'Ωmega Ünïcode 程序', publisher: 'Société' }];
      },
    ];
    for (const change of variants) {
      const hb = heartbeatFor(agent.asset_id);
      change(hb);
      const r = await postHeartbeat(base, agent.agent_token, hb);
      expect(r.status, r.text).toBe(200);
    }
    expect(await stored(agent.asset_id)).toBe(variants.length);
  });

  it('HB-3: forbidden payloads get 400 with errors as JSON Pointers, and nothing is stored', async () => {
    const agent = await enroll(base);
    const cases: Array<[string, (hb: Record<string, any>) => void]> = [
      // eslint-disable-line @typescript-eslint/no-explicit-any
      [
        '/status/cpu_usage',
        (hb) => {
          hb.status.cpu_usage = 150;
        },
      ],
      [
        '/hardware_inventory/memory/total_gb',
        (hb) => {
          hb.hardware_inventory.memory.total_gb = -1;
        },
      ],
      [
        '/heartbeat_type',
        (hb) => {
          delete hb.heartbeat_type;
        },
      ],
      [
        '/timestamp',
        (hb) => {
          hb.timestamp = '04/08/2025 12:51';
        },
      ],
      [
        '/status/memory_usage',
        (hb) => {
          hb.status.memory_usage = 'high';
        },
      ],
      [
        '/hardware_inventory/system/hostname',
        (hb) => {
          hb.hardware_inventory.system.hostname = 'x'.repeat(300);
        },
      ],
      [
        '/software_inventory/installed_programs',
        (hb) => {
          hb.software_inventory.installed_programs = Array.from({ length: 2001 }, () => ({ name: 'p' }));
        },
      ],
    ];
    for (const [pointer, change] of cases) {
      const hb = heartbeatFor(agent.asset_id) as unknown as Record<string, unknown>;
      change(hb);
      const r = await postHeartbeat(base, agent.agent_token, hb);
      expect(r.status, pointer).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = ProblemSchema.parse(r.body);
      expect(problem.errors!.map((e) => e.path)).toContain(pointer);
      for (const e of problem.errors!) if (e.path !== '') expect(getAtPointer(hb, e.path) !== undefined || pointer === e.path).toBe(true);
    }
    const malformedId = heartbeatFor(agent.asset_id) as unknown as Record<string, unknown>;
    malformedId.asset_id = 'uuid-string';
    const r = await postHeartbeat(base, agent.agent_token, malformedId);
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain('/asset_id');
    expect(await stored(agent.asset_id)).toBe(0);
  });

  it('HB-4: a partial heartbeat (sections missing, collection_errors) is accepted and stored as partial', async () => {
    const agent = await enroll(base);
    const hb = heartbeatFor(agent.asset_id);
    delete hb.software_inventory;
    delete hb.hardware_inventory!.bitlocker;
    hb.collection_errors = [{ collector: 'software', error: 'registry query timed out after 30 s' }];
    const r = await postHeartbeat(base, agent.agent_token, hb);
    expect(r.status).toBe(200);
    const detail = await adminGet(base, `/api/agents/${agent.asset_id}`);
    expect(detail.body.partial).toBe(true);
    expect((await adminGet(base, `/api/agents/${agent.asset_id}/heartbeats`)).body.items[0].partial).toBe(true);
    // A complete one afterwards clears the flag.
    expect((await postHeartbeat(base, agent.agent_token, heartbeatFor(agent.asset_id))).status).toBe(200);
    expect((await adminGet(base, `/api/agents/${agent.asset_id}`)).body.partial).toBe(false);
  });

  it('HB-5: unknown fields at any depth are accepted (and kept for read-back)', async () => {
    const agent = await enroll(base);
    const hb = heartbeatFor(agent.asset_id) as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    hb.future_top = { nested: [1, { deeper: true }] };
    hb.status.gpu_usage = 12.5;
    hb.hardware_inventory.disks[0].temperature_c = 41;
    hb.software_inventory.installed_programs[0].install_date = '2024-01-01';
    const r = await postHeartbeat(base, agent.agent_token, hb);
    expect(r.status).toBe(200);
    const latest = (await adminGet(base, `/api/agents/${agent.asset_id}`)).body.latest_heartbeat;
    expect(latest.future_top).toEqual({ nested: [1, { deeper: true }] });
    expect(latest.hardware_inventory.disks[0].temperature_c).toBe(41);
  });

  it('HB-6: the naive timestamp of the deployed agent is accepted and read as UTC', async () => {
    const agent = await enroll(base);
    const naive = new Date().toISOString().replace('Z', '') + '456'; // 2025-08-04T12:51:08.123456 style, UTC clock
    const r = await postHeartbeat(base, agent.agent_token, heartbeatFor(agent.asset_id, naive));
    expect(r.status).toBe(200);
    const detail = await adminGet(base, `/api/agents/${agent.asset_id}`);
    expect(Math.abs(detail.body.clock_skew_s)).toBeLessThan(5);
    const offset = await postHeartbeat(base, agent.agent_token, heartbeatFor(agent.asset_id, '2025-08-04T14:51:08.123+02:00'));
    expect(offset.status).toBe(200);
  });

  it('HB-7: a retry (same asset_id and timestamp, or same Idempotency-Key) gets 200 again with the original received_at, stored once', async () => {
    const agent = await enroll(base);
    const hb = heartbeatFor(agent.asset_id);
    const first = await postHeartbeat(base, agent.agent_token, hb);
    await new Promise((r) => setTimeout(r, 20));
    const again = await postHeartbeat(base, agent.agent_token, hb);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body.received_at).toBe(first.body.received_at);
    const keyed = await postHeartbeat(base, agent.agent_token, heartbeatFor(agent.asset_id), { 'Idempotency-Key': 'retry-key-1' });
    const keyedRetry = await postHeartbeat(base, agent.agent_token, heartbeatFor(agent.asset_id), { 'Idempotency-Key': 'retry-key-1' });
    expect(keyedRetry.status).toBe(200);
    expect(keyedRetry.body.received_at).toBe(keyed.body.received_at);
    // Concurrent retries of one heartbeat: all answered 200, one stored.
    const burst = heartbeatFor(agent.asset_id);
    const replies = await Promise.all(Array.from({ length: 12 }, () => postHeartbeat(base, agent.agent_token, burst)));
    expect(replies.map((x) => x.status)).toEqual(Array(12).fill(200));
    expect(new Set(replies.map((x) => x.body.received_at)).size).toBe(1);
    expect(await stored(agent.asset_id)).toBe(3);
  });

  it('HB-8: liveness uses the receive time; a skew over 5 minutes is recorded and flagged, not rejected', async () => {
    const agent = await enroll(base);
    const agentClock = new Date(Date.now() + 3600_000).toISOString();
    const before = Date.now();
    const r = await postHeartbeat(base, agent.agent_token, heartbeatFor(agent.asset_id, agentClock));
    expect(r.status).toBe(200);
    const fleet = await adminGet(base, '/api/agents');
    const entry = fleet.body.agents.find((a: { asset_id: string }) => a.asset_id === agent.asset_id);
    expect(entry.status).toBe('online');
    expect(Date.parse(entry.last_seen_at)).toBeLessThan(before + 5000);
    expect(entry.clock_skew_s).toBeGreaterThan(3590);
    expect(entry.clock_skew_flagged).toBe(true);
  });

  it('HB-9: the heartbeat is committed when the 200 arrives (a separate connection reads it at once)', async () => {
    const agent = await enroll(base);
    const hb = heartbeatFor(agent.asset_id);
    const r = await postHeartbeat(base, agent.agent_token, hb);
    expect(r.status).toBe(200);
    const rows = await queryDatabase(server.database, 'SELECT ts_raw FROM heartbeats WHERE asset_id = ?', [agent.asset_id]);
    expect(rows.map((x) => x.ts_raw)).toEqual([hb.timestamp]);
  });

  it('HB-9: group commit under concurrency: every 200 is stored, exactly once', async () => {
    const agents = await Promise.all(Array.from({ length: 8 }, () => enroll(base)));
    const replies = await Promise.all(
      agents.flatMap((a) =>
        Array.from({ length: 25 }, () =>
          postHeartbeat(base, a.agent_token, { ...seedSizedHeartbeat(), asset_id: a.asset_id, timestamp: heartbeatFor(a.asset_id).timestamp }),
        ),
      ),
    );
    expect(replies.every((x) => x.status === 200)).toBe(true);
    for (const a of agents) expect(await stored(a.asset_id)).toBe(25);
  });

  it('HB-11: next_heartbeat_in_s is the configured interval, within 60..3600', async () => {
    const custom = await startTestServer(kind, { heartbeatIntervalS: 120 });
    try {
      const agent = await enroll(custom.url);
      expect(agent.heartbeat_interval_s).toBe(120);
      const r = await postHeartbeat(custom.url, agent.agent_token, heartbeatFor(agent.asset_id));
      expect(r.body.next_heartbeat_in_s).toBe(120);
    } finally {
      await custom.stop();
    }
  });

  it("the heartbeat lane in front of express and express's own heartbeat route answer alike", async () => {
    const agent = await enroll(base);
    // The exact path takes the lane; a query string or a trailing slash goes through express's router.
    const spellings = ['/api/agents/heartbeat', '/api/agents/heartbeat?via=express', '/api/agents/heartbeat/'];
    const shapes = [];
    for (const path of spellings) {
      const send = (body: unknown, token = agent.agent_token) =>
        call(`${base}${path}`, { method: 'POST', token, json: body, headers: { 'x-request-id': 'lane-test' } });
      const ok = await send(heartbeatFor(agent.asset_id));
      const bad = await send({ ...heartbeatFor(agent.asset_id), status: { cpu_usage: 150 } });
      const anonymous = await send(heartbeatFor(agent.asset_id), 'not-a-token');
      shapes.push(
        [ok, bad, anonymous].map((r) => ({
          status: r.status,
          type: r.headers.get('content-type'),
          id: r.headers.get('x-request-id'),
          keys: Object.keys(r.body ?? {}).sort(),
          problem: r.body?.type,
          paths: r.body?.errors?.map((e: { path: string }) => e.path),
        })),
      );
    }
    expect(shapes[0]!.map((s) => s.status)).toEqual([200, 400, 401]);
    expect(shapes[0]![1]!.paths).toContain('/status/cpu_usage');
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[2]).toEqual(shapes[0]);
    expect(await stored(agent.asset_id)).toBe(3);
    // Both ways are counted under the heartbeat route in the latency histogram.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/lanet_http_request_duration_seconds_count\{method="POST",route="\/api\/agents\/heartbeat",status="200"\} [1-9]/);
  });
});

describe.each(STORE_KINDS)('load shedding over HTTP (%s store)', (kind) => {
  it('HB-10: past the pending-commit bound a heartbeat gets 503 with Retry-After and is not stored', async () => {
    const server = await startTestServer(kind, { maxPendingCommits: 0 });
    try {
      const agent = await enroll(server.url);
      const r = await postHeartbeat(server.url, agent.agent_token, heartbeatFor(agent.asset_id));
      expect(r.status).toBe(503);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      ProblemSchema.parse(r.body);
      expect((await adminGet(server.url, `/api/agents/${agent.asset_id}/heartbeats`)).body.items).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it('HB-10: one agent flooding gets 429 with Retry-After past --agent-rate-limit; nothing of it is stored, other agents go on', async () => {
    const server = await startTestServer(kind, { agentRateLimit: 3 });
    try {
      const [flood, calm] = [await enroll(server.url), await enroll(server.url)];
      const replies = [];
      for (let i = 0; i < 5; i++) replies.push(await postHeartbeat(server.url, flood.agent_token, heartbeatFor(flood.asset_id)));
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 429, 429]);
      const refused = replies[3]!;
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(ProblemSchema.parse(refused.body).status).toBe(429);
      // A minute's budget of 3 refills one token every 20 s.
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(20);
      expect((await postHeartbeat(server.url, calm.agent_token, heartbeatFor(calm.asset_id))).status).toBe(200);
      expect((await adminGet(server.url, `/api/agents/${flood.asset_id}/heartbeats`)).body.items).toHaveLength(3);
      expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/lanet_heartbeats_total\{result="throttled"\} 2/);
    } finally {
      await server.stop();
    }
  });

  it('HB-10: with a small bound a burst is answered 200 or 503, and exactly the 200s are stored', async () => {
    const server = await startTestServer(kind, { maxPendingCommits: 2 });
    try {
      const agent = await enroll(server.url);
      const replies = await Promise.all(Array.from({ length: 60 }, () => postHeartbeat(server.url, agent.agent_token, heartbeatFor(agent.asset_id))));
      const ok = replies.filter((x) => x.status === 200).length;
      expect(replies.every((x) => x.status === 200 || (x.status === 503 && x.headers.get('retry-after') !== null))).toBe(true);
      expect((await adminGet(server.url, `/api/agents/${agent.asset_id}/heartbeats?limit=500`)).body.items.length).toBe(ok);
    } finally {
      await server.stop();
    }
  });
});
