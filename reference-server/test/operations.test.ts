import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthSchema, ReadinessSchema } from '@lanet/contracts';
import { spawnReferenceServer } from '@lanet/cli/spawn-reference-server';
import { toConfig } from '../cli/server-command.js';
import { checkConfig, defaultConfig } from '../server-config.js';
import { startServer } from '../start-server.js';
import { startDatabaseProxy } from './database-proxy.js';
import { call, enroll, fingerprint, heartbeatFor, postHeartbeat } from './http-client.js';
import { TEST_POSTGRES_URL, newTestSchema } from './postgres-schema.js';
import { STORE_KINDS, TEST_ADMIN_TOKEN, TEST_ENROLLMENT_SECRET, TEST_ESCROW_KEY, startTestServer, type TestServer } from './test-server.js';

describe.each(STORE_KINDS)('operations endpoints (%s store)', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('/healthz and /readyz answer per the contracts', async () => {
    HealthSchema.parse((await call(`${server.url}/healthz`)).body);
    const ready = await call(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ReadinessSchema.parse(ready.body)).toEqual({ status: 'ready', checks: { database: 'ok' } });
  });

  it('/metrics exposes heartbeats by result, request and commit latency, agents by status', async () => {
    const agent = await enroll(server.url);
    await postHeartbeat(server.url, agent.agent_token, heartbeatFor(agent.asset_id));
    await postHeartbeat(server.url, agent.agent_token, { asset_id: agent.asset_id });
    await enroll(server.url);
    const m = await call(`${server.url}/metrics`);
    expect(m.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(m.text).toMatch(/lanet_heartbeats_total\{result="stored"\} 1/);
    expect(m.text).toMatch(/lanet_heartbeats_total\{result="invalid"\} 1/);
    expect(m.text).toMatch(/lanet_http_request_duration_seconds_bucket\{.*route="\/api\/agents\/heartbeat"/);
    expect(m.text).toMatch(/lanet_commit_duration_seconds_count [1-9]/);
    expect(m.text).toMatch(/lanet_agents\{status="online"\} 1/);
    expect(m.text).toMatch(/lanet_agents\{status="never_seen"\} 1/);
  });

  it('echoes a sane X-Request-Id, or makes one, and puts it in problem instances', async () => {
    const given = await call(`${server.url}/nowhere`, { headers: { 'x-request-id': 'trace-123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    expect(given.body.instance).toBe('trace-123');
    const made = await call(`${server.url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('readiness', () => {
  it('/readyz answers 503 not_ready while PostgreSQL is unreachable, and ready again once it is back; /healthz stays 200', async () => {
    const target = new URL(TEST_POSTGRES_URL);
    const proxy = await startDatabaseProxy(target.hostname, Number(target.port || 5432));
    const schema = newTestSchema();
    const viaProxy = new URL(schema.url);
    viaProxy.port = String(proxy.port);
    const server = await startTestServer('postgres', { database: viaProxy.toString() });
    try {
      expect((await call(`${server.url}/readyz`)).status).toBe(200);
      await proxy.cut();
      const down = await call(`${server.url}/readyz`);
      expect(down.status).toBe(503);
      expect(ReadinessSchema.parse(down.body)).toEqual({ status: 'not_ready', checks: { database: 'error' } });
      expect((await call(`${server.url}/healthz`)).status).toBe(200);
      await proxy.restore();
      expect((await call(`${server.url}/readyz`)).status).toBe(200);
    } finally {
      await proxy.restore().catch(() => undefined);
      await server.stop();
      await schema.drop();
      await proxy.close();
    }
  });
});

describe('start-up', () => {
  it('generates the enrollment secret and admin token on first start, keeps only their hashes, and reuses them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanet-gen-'));
    const config = { ...defaultConfig, port: 0, database: join(dir, 'lanet.db'), escrowKey: TEST_ESCROW_KEY };
    try {
      const first = await startServer(config);
      const { enrollmentSecret, adminToken } = first.generated;
      expect(enrollmentSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(adminToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      await first.close();
      const second = await startServer(config);
      try {
        expect(second.generated).toEqual({ enrollmentSecret: undefined, adminToken: undefined });
        const reg = await call(`${second.url}/api/agents/register`, {
          method: 'POST',
          token: enrollmentSecret,
          json: { hardware_fingerprint: fingerprint(), hostname: 'h' },
        });
        expect(reg.status).toBe(201);
        expect((await call(`${second.url}/api/agents`, { token: adminToken })).status).toBe(200);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads flags into a config and reports every bad value with what to change', () => {
    const config = toConfig({ host: '127.0.0.1', port: '0', database: 'x.db', offlineAfter: '0.5', heartbeatInterval: '120' }, { LANET_ESCROW_KEY: 'k' });
    expect(config).toMatchObject({ port: 0, offlineAfterS: 0.5, heartbeatIntervalS: 120, escrowKey: 'k', insecureNoAuth: false });
    expect(checkConfig(config)).toEqual([]);
    // AUTH-5: only an explicit yes switches legacy mode on.
    const base = { host: '127.0.0.1', port: '0', database: 'x.db', offlineAfter: '600', heartbeatInterval: '300' };
    for (const value of ['0', 'false', 'no', '']) expect(toConfig(base, { LANET_INSECURE_NO_AUTH: value }).insecureNoAuth).toBe(false);
    for (const value of ['1', 'true', 'YES']) expect(toConfig(base, { LANET_INSECURE_NO_AUTH: value }).insecureNoAuth).toBe(true);
    expect(toConfig({ ...base, insecureNoAuth: true }, {}).insecureNoAuth).toBe(true);
    const bad = checkConfig({ ...config, port: 70000, offlineAfterS: 0, heartbeatIntervalS: 30, adminToken: 'short' });
    expect(bad.join('\n')).toMatch(/--port.*\n--offline-after.*\n--heartbeat-interval.*60\.\.3600.*\n--admin-token/);
  });

  it('SIGTERM stops accepting, finishes the request in flight (answered 200 and stored), and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanet-term-'));
    const options = {
      enrollmentSecret: TEST_ENROLLMENT_SECRET,
      adminToken: TEST_ADMIN_TOKEN,
      database: join(dir, 'lanet.db'),
      env: { LANET_ESCROW_KEY: TEST_ESCROW_KEY },
    };
    const server = await spawnReferenceServer(options);
    const agent = await enroll(server.url);
    const body = JSON.stringify(heartbeatFor(agent.asset_id));
    const { port } = new URL(server.url);
    const answer = new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/agents/heartbeat',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${agent.agent_token}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 100));
      setTimeout(() => {
        server.process.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(100)), 300);
      }, 200);
    });
    const exited = new Promise<number | null>((resolve) => server.process.once('exit', (code) => resolve(code)));
    expect(await answer).toBe(200);
    expect(await exited).toBe(0);
    const restarted = await spawnReferenceServer(options);
    try {
      const history = await call(`${restarted.url}/api/agents/${agent.asset_id}/heartbeats`, { token: TEST_ADMIN_TOKEN });
      expect(history.body.items).toHaveLength(1);
    } finally {
      await restarted.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
