import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentDetailSchema, FleetListSchema, HeartbeatHistoryPageSchema, RecoveryKeysResponseSchema } from '@lanet/contracts';
import { agentStatus } from '../http/fleet-routes.js';
import { adminGet, call, enroll, heartbeatFor, postHeartbeat } from './http-client.js';
import { databaseText, queryDatabase } from './database-text.js';
import { STORE_KINDS, TEST_ADMIN_TOKEN, startTestServer, type TestServer } from './test-server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(STORE_KINDS)('fleet view and escrow over HTTP (%s store)', (kind) => {
  let server: TestServer;
  let base: string;
  beforeAll(async () => {
    server = await startTestServer(kind);
    base = server.url;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('FLT-1: GET /api/agents lists every registered agent with status, last_seen_at, hostname, partial, clock_skew_s', async () => {
    const seen = await enroll(base, undefined, 'seen-host');
    const never = await enroll(base, undefined, 'never-host');
    expect((await postHeartbeat(base, seen.agent_token, heartbeatFor(seen.asset_id))).status).toBe(200);
    const r = await adminGet(base, '/api/agents');
    expect(r.status).toBe(200);
    const list = FleetListSchema.parse(r.body);
    const a = list.agents.find((x) => x.asset_id === seen.asset_id)!;
    const b = list.agents.find((x) => x.asset_id === never.asset_id)!;
    expect(a).toMatchObject({ status: 'online', hostname: 'computer-name', partial: false });
    expect(a.last_seen_at).not.toBeNull();
    expect(typeof a.clock_skew_s).toBe('number');
    expect(b).toMatchObject({ status: 'never_seen', hostname: 'never-host', last_seen_at: null, clock_skew_s: null });
    expect(list.counts!.online + list.counts!.offline + list.counts!.never_seen).toBe(list.agents.length);
    expect(list.offline_after_s).toBe(600);
  });

  it('FLT-2: offline after more than --offline-after without a heartbeat, online again with the next; ±30 s jitter never flips it', async () => {
    const fast = await startTestServer(kind, { offlineAfterS: 1.5 });
    try {
      const agent = await enroll(fast.url);
      const status = async () => (await adminGet(fast.url, `/api/agents/${agent.asset_id}`)).body.status as string;
      expect(await status()).toBe('never_seen');
      expect((await postHeartbeat(fast.url, agent.agent_token, heartbeatFor(agent.asset_id))).status).toBe(200);
      expect(await status()).toBe('online');
      await sleep(1800);
      expect(await status()).toBe('offline');
      expect((await postHeartbeat(fast.url, agent.agent_token, heartbeatFor(agent.asset_id))).status).toBe(200);
      expect(await status()).toBe('online');
    } finally {
      await fast.stop();
    }
    const now = Date.now();
    for (const gap of [270, 300, 330, 600]) expect(agentStatus(now - gap * 1000, now, 600)).toBe('online');
    expect(agentStatus(now - 601_000, now, 600)).toBe('offline');
  });

  it('FLT-3: GET /api/agents/{id} returns the latest heartbeat exactly as sent, unknown fields kept, recovery keys omitted', async () => {
    const agent = await enroll(base);
    const hb = heartbeatFor(agent.asset_id) as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    hb.vendor_extension = { list: [1, 'two', null, { three: 3.5 }], unicode: 'Grüße 🌍' };
    hb.hardware_inventory.bitlocker.volumes.push({ drive_letter: 'D:', protection_status: 'Unprotected', encryption_method: null, recovery_key: null });
    expect((await postHeartbeat(base, agent.agent_token, heartbeatFor(agent.asset_id))).status).toBe(200);
    expect((await postHeartbeat(base, agent.agent_token, hb)).status).toBe(200);
    const r = await adminGet(base, `/api/agents/${agent.asset_id}`);
    const detail = AgentDetailSchema.parse(r.body);
    const expected = structuredClone(hb);
    for (const v of expected.hardware_inventory.bitlocker.volumes) delete v.recovery_key;
    expect(r.body.latest_heartbeat).toEqual(expected);
    expect(r.text).not.toContain('recovery_key');
    expect(detail.hostname).toBe('computer-name');
    expect((await adminGet(base, '/api/agents/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await adminGet(base, '/api/agents/not-a-uuid')).status).toBe(404);
  });

  it('FLT-4: the stored heartbeats are exactly the accepted ones, none lost, none doubled, newest first across pages', async () => {
    const agent = await enroll(base);
    const sent: string[] = [];
    for (let i = 0; i < 23; i++) {
      const hb = heartbeatFor(agent.asset_id, new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString());
      expect((await postHeartbeat(base, agent.agent_token, hb)).status).toBe(200);
      sent.push(hb.timestamp);
      if (i % 5 === 0) expect((await postHeartbeat(base, agent.agent_token, hb)).status).toBe(200); // a retry
    }
    const bad = heartbeatFor(agent.asset_id) as unknown as Record<string, unknown>;
    bad.status = { cpu_usage: -1 };
    expect((await postHeartbeat(base, agent.agent_token, bad)).status).toBe(400);
    const got: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await adminGet(base, `/api/agents/${agent.asset_id}/heartbeats?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      const page = HeartbeatHistoryPageSchema.parse(r.body);
      got.push(...page.items.map((x) => x.payload.timestamp));
      cursor = page.next_cursor;
    } while (cursor);
    expect(got).toEqual([...sent].reverse());
    expect((await adminGet(base, `/api/agents/${agent.asset_id}/heartbeats?limit=0`)).status).toBe(400);
    expect((await adminGet(base, `/api/agents/${agent.asset_id}/heartbeats?cursor=%%%`)).status).toBe(400);
  });

  it('ESC-1: a recovery key is stored encrypted, never in plain text, and never returned by fleet endpoints', async () => {
    const agent = await enroll(base);
    const key = '111111-222222-333333-444444-555555-666666-777777-888888';
    const hb = heartbeatFor(agent.asset_id);
    hb.hardware_inventory!.bitlocker!.volumes[0]!.recovery_key = key;
    expect((await postHeartbeat(base, agent.agent_token, hb)).status).toBe(200);
    const rows = await queryDatabase(server.database, 'SELECT ciphertext FROM escrow_keys WHERE asset_id = ?', [agent.asset_id]);
    expect(rows).toHaveLength(1);
    expect(String(rows[0]!.ciphertext)).toMatch(/^v1\./);
    expect(await databaseText(server.database)).not.toContain(key);
    for (const path of ['/api/agents', `/api/agents/${agent.asset_id}`, `/api/agents/${agent.asset_id}/heartbeats`]) {
      const r = await adminGet(base, path);
      expect(r.text).not.toContain(key);
      expect(r.text).not.toContain('recovery_key');
    }
    // Sent again unchanged: recognised by its keyed digest, not stored twice.
    expect((await postHeartbeat(base, agent.agent_token, { ...hb, timestamp: heartbeatFor(agent.asset_id).timestamp })).status).toBe(200);
    expect(await queryDatabase(server.database, 'SELECT key_id FROM escrow_keys WHERE asset_id = ?', [agent.asset_id])).toHaveLength(1);
  });

  it('ESC-2: reading escrowed keys needs the admin token and writes an audit record (who, when, which key)', async () => {
    const agent = await enroll(base);
    const hb = heartbeatFor(agent.asset_id);
    hb.hardware_inventory!.bitlocker!.volumes[0]!.recovery_key = 'KEY-AAAA-BBBB';
    expect((await postHeartbeat(base, agent.agent_token, hb)).status).toBe(200);
    const refused = await call(`${base}/api/agents/${agent.asset_id}/recovery-keys`, { token: agent.agent_token });
    expect(refused.status).toBe(401);
    expect(refused.text).not.toContain('KEY-AAAA');
    const before = Date.now();
    const r = await adminGet(base, `/api/agents/${agent.asset_id}/recovery-keys`);
    expect(r.status).toBe(200);
    const body = RecoveryKeysResponseSchema.parse(r.body);
    expect(body.keys.map((k) => [k.drive_letter, k.recovery_key])).toEqual([['C:', 'KEY-AAAA-BBBB']]);
    expect(body.audit.key_ids).toEqual(body.keys.map((k) => k.key_id));
    expect(body.audit.actor).toMatch(/^admin/);
    expect(body.audit.actor).not.toContain(TEST_ADMIN_TOKEN);
    expect(Date.parse(body.audit.read_at)).toBeGreaterThanOrEqual(before - 5);
    const audit = await queryDatabase(server.database, 'SELECT actor, key_ids FROM escrow_audit WHERE audit_id = ?', [body.audit.audit_id]);
    expect(audit).toEqual([{ actor: body.audit.actor, key_ids: JSON.stringify(body.audit.key_ids) }]);
    // Refused reads write nothing.
    expect(await queryDatabase(server.database, 'SELECT audit_id FROM escrow_audit WHERE asset_id = ?', [agent.asset_id])).toHaveLength(1);
  });

  it('ESC-3: escrow_required is true while a protected volume has no escrowed key, and absent once it has', async () => {
    const agent = await enroll(base);
    const withoutKey = heartbeatFor(agent.asset_id);
    delete withoutKey.hardware_inventory!.bitlocker!.volumes[0]!.recovery_key;
    const first = await postHeartbeat(base, agent.agent_token, withoutKey);
    expect(first.body.escrow_required).toBe(true);
    const withKey = heartbeatFor(agent.asset_id);
    withKey.hardware_inventory!.bitlocker!.volumes[0]!.recovery_key = 'KEY-ESC3';
    expect((await postHeartbeat(base, agent.agent_token, withKey)).body.escrow_required).toBeUndefined();
    const later = heartbeatFor(agent.asset_id);
    delete later.hardware_inventory!.bitlocker!.volumes[0]!.recovery_key;
    expect((await postHeartbeat(base, agent.agent_token, later)).body.escrow_required).toBeUndefined();
  });
});
