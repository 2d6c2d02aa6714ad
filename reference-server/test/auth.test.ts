import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProblemSchema, RegisterResponseSchema } from '@lanet/contracts';
import { startupNotes } from '../cli/server-command.js';
import { defaultConfig } from '../server-config.js';
import { adminGet, call, enroll, fingerprint, heartbeatFor, postHeartbeat } from './http-client.js';
import { databaseText } from './database-text.js';
import { STORE_KINDS, TEST_ADMIN_TOKEN, TEST_ENROLLMENT_SECRET, startTestServer, type TestServer } from './test-server.js';

describe.each(STORE_KINDS)('enrollment and agent identity over HTTP (%s store)', (kind) => {
  let server: TestServer;
  let base: string;
  let logs = '';
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logs += String(chunk);
        cb();
      },
    });
    server = await startTestServer(kind, {}, pino({ level: 'debug' }, sink));
    base = server.url;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('REG-1: the enrollment secret returns 201 {asset_id, agent_token, heartbeat_interval_s}', async () => {
    const r = await call(`${base}/api/agents/register`, {
      method: 'POST',
      token: TEST_ENROLLMENT_SECRET,
      json: { hardware_fingerprint: fingerprint(), hostname: 'pc-1', agent_version: '1.0.0' },
    });
    expect(r.status).toBe(201);
    const body = RegisterResponseSchema.parse(r.body);
    expect(body.heartbeat_interval_s).toBe(300);
    expect((await postHeartbeat(base, body.agent_token, heartbeatFor(body.asset_id))).status).toBe(200);
  });

  it('REG-2: a missing or wrong enrollment secret gets 401', async () => {
    const json = { hardware_fingerprint: fingerprint(), hostname: 'pc-2' };
    for (const token of [undefined, 'wrong-secret-wrong-secret-wrong', TEST_ADMIN_TOKEN]) {
      const r = await call(`${base}/api/agents/register`, { method: 'POST', token, json });
      expect(r.status).toBe(401);
      ProblemSchema.parse(r.body);
    }
    const invalid = await call(`${base}/api/agents/register`, {
      method: 'POST',
      token: TEST_ENROLLMENT_SECRET,
      json: { hardware_fingerprint: 'short', hostname: '' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['/hardware_fingerprint', '/hostname']));
  });

  it('REG-3: the same fingerprint gets the same asset_id and a new token; the old token stops working', async () => {
    const fp = fingerprint();
    const first = await enroll(base, fp);
    const second = await enroll(base, fp);
    expect(second.asset_id).toBe(first.asset_id);
    expect(second.agent_token).not.toBe(first.agent_token);
    expect((await postHeartbeat(base, first.agent_token, heartbeatFor(first.asset_id))).status).toBe(401);
    expect((await postHeartbeat(base, second.agent_token, heartbeatFor(first.asset_id))).status).toBe(200);
    const fleet = await adminGet(base, '/api/agents');
    expect(fleet.body.agents.filter((a: { asset_id: string }) => a.asset_id === first.asset_id)).toHaveLength(1);
  });

  it('AUTH-1: a heartbeat without a valid agent token gets 401', async () => {
    const agent = await enroll(base);
    for (const token of [undefined, 'x'.repeat(43), TEST_ENROLLMENT_SECRET, TEST_ADMIN_TOKEN]) {
      const r = await postHeartbeat(base, token, heartbeatFor(agent.asset_id));
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((await adminGet(base, `/api/agents/${agent.asset_id}/heartbeats`)).body.items).toEqual([]);
  });

  it('AUTH-2: a token used for another asset_id gets 403 and nothing is stored', async () => {
    const a = await enroll(base);
    const b = await enroll(base);
    const r = await postHeartbeat(base, a.agent_token, heartbeatFor(b.asset_id));
    expect(r.status).toBe(403);
    ProblemSchema.parse(r.body);
    expect((await adminGet(base, `/api/agents/${b.asset_id}/heartbeats`)).body.items).toEqual([]);
    expect((await adminGet(base, `/api/agents/${a.asset_id}/heartbeats`)).body.items).toEqual([]);
    expect((await adminGet(base, `/api/agents/${b.asset_id}`)).body.status).toBe('never_seen');
  });

  it('AUTH-3: fleet endpoints refuse agent tokens, the enrollment secret and anonymous callers', async () => {
    const agent = await enroll(base);
    const paths = ['/api/agents', `/api/agents/${agent.asset_id}`, `/api/agents/${agent.asset_id}/heartbeats`, `/api/agents/${agent.asset_id}/recovery-keys`];
    for (const path of paths) {
      for (const token of [undefined, agent.agent_token, TEST_ENROLLMENT_SECRET]) {
        const r = await call(`${base}${path}`, { token });
        expect([401, 403], `${path} ${token ? 'token' : 'anonymous'}`).toContain(r.status);
      }
      expect((await adminGet(base, path)).status).toBe(200);
    }
  });

  it('AUTH-4: tokens are stored hashed; secrets never appear in the database, logs or error bodies', async () => {
    const agent = await enroll(base);
    const hb = heartbeatFor(agent.asset_id);
    hb.hardware_inventory!.bitlocker!.volumes[0]!.recovery_key = 'RECOVERY-111111-222222-333333';
    expect((await postHeartbeat(base, agent.agent_token, hb)).status).toBe(200);
    const errors = [
      await postHeartbeat(base, agent.agent_token + 'x', hb),
      await call(`${base}/api/agents/register`, { method: 'POST', token: TEST_ENROLLMENT_SECRET + 'x', json: {} }),
      await call(`${base}/api/agents`, { token: TEST_ADMIN_TOKEN + 'x' }),
      await call(`${base}/api/agents/heartbeat`, {
        method: 'POST',
        token: agent.agent_token,
        headers: { 'content-type': 'application/json' },
        body: '{"recovery_key":"RECOVERY-111111-222222-333333",',
      }),
    ];
    const secrets = [agent.agent_token, TEST_ENROLLMENT_SECRET, TEST_ADMIN_TOKEN, 'RECOVERY-111111-222222-333333'];
    for (const r of errors) for (const s of secrets) expect(r.text).not.toContain(s);
    const atRest = await databaseText(server.database);
    expect(atRest).toContain(agent.asset_id); // the dump is real
    for (const s of secrets) expect(atRest).not.toContain(s);
    expect(logs).toContain('agent registered');
    for (const s of secrets) expect(logs).not.toContain(s);
  });
});

describe.each(STORE_KINDS)('legacy mode (%s store)', (kind) => {
  it('AUTH-5: --insecure-no-auth accepts heartbeats without a token, says so at start-up; still refuses wrong tokens', async () => {
    const server = await startTestServer(kind, { insecureNoAuth: true });
    try {
      const legacyId = '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d';
      const r = await postHeartbeat(server.url, undefined, heartbeatFor(legacyId));
      expect(r.status).toBe(200);
      expect((await adminGet(server.url, `/api/agents/${legacyId}`)).body.status).toBe('online');
      expect((await postHeartbeat(server.url, 'y'.repeat(43), heartbeatFor(legacyId))).status).toBe(401);
      const notes = startupNotes({ ...server, generated: {} }, { ...defaultConfig, database: server.database, insecureNoAuth: true });
      expect(notes.join('\n')).toMatch(/WARNING: --insecure-no-auth/);
    } finally {
      await server.stop();
    }
  });
});
