import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startupNotes, toConfig, type ServerCommandOptions } from '../cli/server-command.js';
import { createAuthThrottle } from '../http/auth-throttle.js';
import { defaultConfig } from '../server-config.js';
import { startServer } from '../start-server.js';
import { pgFingerprint } from '../store/postgres-support.js';
import { call, enroll, heartbeatFor, postHeartbeat } from './http-client.js';
import { STORE_KINDS, TEST_ADMIN_TOKEN, TEST_ENROLLMENT_SECRET, TEST_ESCROW_KEY, startTestServer, type TestServer } from './test-server.js';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('access logs (pino-http field names, every request at info)', () => {
  let server: TestServer;
  let logs = '';
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logs += String(chunk);
        cb();
      },
    });
    server = await startTestServer('sqlite', {}, pino({ level: 'info' }, sink));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('logs each request once with req.id, req.method, req.url, res.statusCode and responseTime, and no secret', async () => {
    const agent = await enroll(server.url);
    const hb = await postHeartbeat(server.url, agent.agent_token, heartbeatFor(agent.asset_id));
    const fleet = await call(`${server.url}/api/agents?limit=5`, { token: TEST_ADMIN_TOKEN });
    const refused = await call(`${server.url}/api/agents`, { token: 'not-the-admin-token-0123456789abcdef' });
    await new Promise((r) => setTimeout(r, 50));
    const lines = logs
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>)
      .filter((l) => l.msg === 'request completed'); // eslint-disable-line @typescript-eslint/no-explicit-any
    const find = (id: string | null) => lines.filter((l) => l.req?.id === id);
    for (const [reply, method, url, status] of [
      [hb, 'POST', '/api/agents/heartbeat', 200],
      [fleet, 'GET', '/api/agents?limit=5', 200],
      [refused, 'GET', '/api/agents', 401],
    ] as const) {
      const mine = find(reply.headers.get('x-request-id'));
      expect(mine.length, url).toBe(1);
      expect(mine[0]).toMatchObject({ level: 30, req: { method, url }, res: { statusCode: status } });
      expect(typeof mine[0]!.responseTime).toBe('number');
    }
    expect(lines.some((l) => l.req.url === '/api/agents/register' && l.res.statusCode === 201)).toBe(true);
    for (const secret of [agent.agent_token, TEST_ADMIN_TOKEN, TEST_ENROLLMENT_SECRET]) expect(logs).not.toContain(secret);
  });
});

describe('/metrics', () => {
  it('is open by default, with the standard default metric names (no lanet_ prefix on them)', async () => {
    const server = await startTestServer('sqlite');
    try {
      const m = await call(`${server.url}/metrics`);
      expect(m.status).toBe(200);
      expect(m.text).toMatch(/^process_cpu_user_seconds_total /m);
      expect(m.text).toMatch(/^nodejs_heap_size_used_bytes /m);
      expect(m.text).not.toMatch(/^lanet_(process|nodejs)_/m);
      expect(m.text).toMatch(/^lanet_heartbeats_total|^# HELP lanet_heartbeats_total/m);
    } finally {
      await server.stop();
    }
  });

  it('with --metrics-token needs that token or the admin token; anonymous callers and agent tokens get 401', async () => {
    const metricsToken = 'metrics-token-0123456789abcdef0123456789';
    const server = await startTestServer('sqlite', { metricsToken });
    try {
      const agent = await enroll(server.url);
      const anonymous = await call(`${server.url}/metrics`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await call(`${server.url}/metrics`, { token: agent.agent_token })).status).toBe(401);
      expect((await call(`${server.url}/metrics`, { token: metricsToken })).status).toBe(200);
      expect((await call(`${server.url}/metrics`, { token: TEST_ADMIN_TOKEN })).status).toBe(200);
      // The metrics token opens /metrics only.
      expect((await call(`${server.url}/api/agents`, { token: metricsToken })).status).toBe(401);
    } finally {
      await server.stop();
    }
  });
});

describe('secrets (D7) and files (D8)', () => {
  it('writes secrets generated at first start to a 0600 file, never to the log stream', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanet-secrets-'));
    let logs = '';
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logs += String(chunk);
        cb();
      },
    });
    try {
      const server = await startServer(
        { ...defaultConfig, port: 0, database: join(dir, 'db', 'lanet.db'), escrowKey: TEST_ESCROW_KEY },
        pino({ level: 'trace' }, sink),
      );
      try {
        const { enrollmentSecret, adminToken } = server.generated;
        expect(server.generatedSecretsFile).toBe(join(dir, 'db', 'generated-secrets.env'));
        expect(mode(server.generatedSecretsFile!)).toBe(0o600);
        const text = readFileSync(server.generatedSecretsFile!, 'utf8');
        expect(text).toContain(`LANET_ENROLLMENT_SECRET=${enrollmentSecret}\n`);
        expect(text).toContain(`LANET_ADMIN_TOKEN=${adminToken}\n`);
        const notes = startupNotes(server, defaultConfig as never).join('\n');
        expect(notes).toContain(server.generatedSecretsFile!);
        for (const secret of [enrollmentSecret!, adminToken!]) {
          expect(notes).not.toContain(secret);
          expect(logs).not.toContain(secret);
        }
      } finally {
        await server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads secrets from files and warns about secrets given as flags (visible in /proc/PID/cmdline)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanet-secret-files-'));
    try {
      writeFileSync(join(dir, 'enroll'), 'enrollment-from-file-0123456789\n', { mode: 0o600 });
      writeFileSync(join(dir, 'admin'), 'admin-from-file-0123456789abcdef\r\nignored', { mode: 0o600 });
      const base: ServerCommandOptions = { host: '127.0.0.1', port: '0', database: ':memory:', offlineAfter: '600', heartbeatInterval: '300' };
      const config = toConfig(
        { ...base, enrollmentSecretFile: join(dir, 'enroll'), adminTokenFile: join(dir, 'admin'), metricsToken: 'metrics-0123456789' },
        {},
      );
      expect(config).toMatchObject({
        enrollmentSecret: 'enrollment-from-file-0123456789',
        adminToken: 'admin-from-file-0123456789abcdef',
        metricsToken: 'metrics-0123456789',
      });
      expect(() => toConfig({ ...base, adminTokenFile: join(dir, 'missing') }, {})).toThrow(/--admin-token-file .*ENOENT/);
      writeFileSync(join(dir, 'empty'), '\n');
      expect(() => toConfig({ ...base, enrollmentSecretFile: join(dir, 'empty') }, {})).toThrow(/is empty/);
      const notes = startupNotes({ generated: {}, generatedSecretsFile: undefined, escrowKeySource: { source: 'x', generated: false } } as never, config, [
        '--admin-token',
      ]);
      expect(notes.join('\n')).toMatch(/WARNING: --admin-token on the command line is visible to every local user/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('D8: creates the SQLite database 0600 (and its WAL files) in a 0700 directory, and tightens an old 0644 file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanet-modes-'));
    try {
      const database = join(dir, 'fresh', 'lanet.db');
      const server = await startTestServer('sqlite', { database });
      try {
        const agent = await enroll(server.url);
        expect((await postHeartbeat(server.url, agent.agent_token, heartbeatFor(agent.asset_id))).status).toBe(200);
        expect(mode(join(dir, 'fresh'))).toBe(0o700);
        for (const file of [database, `${database}-wal`, `${database}-shm`]) expect(mode(file), file).toBe(0o600);
      } finally {
        await server.stop();
      }
      const old = join(dir, 'old.db');
      closeSync(openSync(old, 'w', 0o644));
      chmodSync(old, 0o644);
      const again = await startTestServer('sqlite', { database: old });
      await again.stop();
      expect(mode(old)).toBe(0o600);
      expect(existsSync(old)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000); // two server starts: slow on a loaded shared machine
});

describe.each(STORE_KINDS)('D9: fingerprints differing only by U+0000, U+FFFD or an unpaired surrogate stay distinct (%s store)', (kind) => {
  it("registers three machines, and no registration revokes another one's token", async () => {
    const server = await startTestServer(kind);
    try {
      const stem = 'sha256:0123456789abcdef-';
      const agents = [];
      for (const fp of [`${stem}\u0000`, `${stem}\uFFFD`, `${stem}\uD800`, `${stem}x`]) agents.push(await enroll(server.url, fp));
      expect(new Set(agents.map((a) => a.asset_id)).size).toBe(4);
      for (const a of agents) expect((await postHeartbeat(server.url, a.agent_token, heartbeatFor(a.asset_id))).status).toBe(200);
      // Re-registering each returns its own asset id (REG-3), still distinct.
      expect((await enroll(server.url, `${stem}\u0000`)).asset_id).toBe(agents[0]!.asset_id);
      expect((await enroll(server.url, `${stem}\uFFFD`)).asset_id).toBe(agents[1]!.asset_id);
    } finally {
      await server.stop();
    }
  });
});

describe('pgFingerprint', () => {
  it('keeps ordinary fingerprints (emoji included) and encodes the ambiguous ones injectively', () => {
    expect(pgFingerprint('sha256:abcdef0123456789')).toBe('sha256:abcdef0123456789');
    expect(pgFingerprint('machine-🌍-0123456789')).toBe('machine-🌍-0123456789');
    const encoded = ['a\u0000', 'a\uFFFD', 'a\uD800', 'a\uDC00', 'a\u0000\u0000'].map(pgFingerprint);
    expect(new Set(encoded).size).toBe(5);
    for (const e of encoded) expect(e).toMatch(/^\uFFFDutf16:[0-9a-f]{64}$/);
  });
});

describe('throttling failed enrollment and admin attempts', () => {
  it('429 with Retry-After once an address used its failures, for right and wrong credentials alike; admin has its own budget', async () => {
    const server = await startTestServer('sqlite', { authFailureLimit: 6 }); // bursts of 12
    try {
      const wrong = 'wrong-secret-0123456789abcdef0123456789';
      const register = (token: string) =>
        call(`${server.url}/api/agents/register`, { method: 'POST', token, json: { hardware_fingerprint: 'sha256:throttle-0123456789', hostname: 'h' } });
      for (let i = 0; i < 12; i++) expect((await register(wrong)).status).toBe(401);
      const blocked = await register(wrong);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(blocked.headers.get('content-type')).toContain('application/problem+json');
      expect((await register(TEST_ENROLLMENT_SECRET)).status).toBe(429);
      expect((await call(`${server.url}/api/agents`, { token: TEST_ADMIN_TOKEN })).status).toBe(200);
      for (let i = 0; i < 12; i++) expect((await call(`${server.url}/api/agents`, { token: wrong })).status).toBe(401);
      expect((await call(`${server.url}/api/agents`, { token: wrong })).status).toBe(429);
      expect((await call(`${server.url}/api/agents`, { token: TEST_ADMIN_TOKEN })).status).toBe(429);
    } finally {
      await server.stop();
    }
  });

  it('refills at the configured rate, and 0 turns it off', () => {
    let now = 0;
    const throttle = createAuthThrottle(60, () => now); // one a second, bursts of 120
    const req = { socket: { remoteAddress: '127.0.0.9' } } as never;
    for (let i = 0; i < 120; i++) {
      throttle.check(req, 'x');
      throttle.failed(req);
    }
    expect(() => throttle.check(req, 'x')).toThrow(/Too many failed x attempts/);
    now += 1000;
    expect(() => throttle.check(req, 'x')).not.toThrow();
    throttle.failed(req);
    expect(() => throttle.check(req, 'x')).toThrow();
    expect(() => throttle.check({ socket: { remoteAddress: '127.0.0.10' } } as never, 'x')).not.toThrow();
    const off = createAuthThrottle(0);
    for (let i = 0; i < 1000; i++) off.failed(req);
    expect(() => off.check(req, 'x')).not.toThrow();
  });
});
