import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProblemSchema } from '@lanet/contracts';
import { call, enroll, heartbeatFor, postHeartbeat } from './http-client.js';
import { STORE_KINDS, TEST_ADMIN_TOKEN, TEST_ENROLLMENT_SECRET, startTestServer, type TestServer } from './test-server.js';

/** Sends raw bytes on a fresh connection and returns everything the server sent back before closing. */
function rawExchange(port: number, payload: Buffer | string, waitMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    socket.on('data', (d) => {
      out += d.toString('latin1');
    });
    socket.on('error', () => resolve(out));
    socket.on('close', () => resolve(out));
    socket.write(payload);
    setTimeout(() => {
      socket.destroy();
      resolve(out);
    }, waitMs);
  });
}

describe.each(STORE_KINDS)('transport and errors over HTTP (%s store)', (kind) => {
  let server: TestServer;
  let base: string;
  let agent: { asset_id: string; agent_token: string };
  beforeAll(async () => {
    server = await startTestServer(kind);
    base = server.url;
    agent = await enroll(base);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('GEN-1: responses are JSON; errors are problem+json with type, title, status, detail', async () => {
    const ok = await call(`${base}/healthz`);
    expect(ok.headers.get('content-type')).toMatch(/^application\/json/);
    for (const r of [
      await postHeartbeat(base, undefined, heartbeatFor(agent.asset_id)),
      await call(`${base}/api/agents`),
      await call(`${base}/nowhere`),
      await postHeartbeat(base, agent.agent_token, { asset_id: agent.asset_id }),
    ]) {
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const p = ProblemSchema.parse(r.body);
      expect(p.status).toBe(r.status);
    }
  });

  it('GEN-2: malformed JSON, an array, a string or null get 400', async () => {
    for (const body of ['{"asset_id":', '[1,2]', '"text"', 'null', '']) {
      const r = await call(`${base}/api/agents/heartbeat`, { method: 'POST', token: agent.agent_token, headers: { 'content-type': 'application/json' }, body });
      expect(r.status, body).toBe(400);
      expect(ProblemSchema.parse(r.body).errors).toEqual([expect.objectContaining({ path: '' })]); // HB-3: "" is the whole body
    }
  });

  it('GEN-3: a Content-Type other than JSON gets 415', async () => {
    const body = JSON.stringify(heartbeatFor(agent.asset_id));
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const r = await call(`${base}/api/agents/heartbeat`, { method: 'POST', token: agent.agent_token, headers: { 'content-type': type }, body });
      expect(r.status, type).toBe(415);
    }
    const none = await call(`${base}/api/agents/heartbeat`, { method: 'POST', token: agent.agent_token, body: new Blob([body]) });
    expect(none.status).toBe(415);
    const charset = await call(`${base}/api/agents/heartbeat`, {
      method: 'POST',
      token: agent.agent_token,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body,
    });
    expect(charset.status).toBe(200);
  });

  it('GEN-4: a body over the limit gets 413, declared or streamed, and the server keeps serving', async () => {
    const big = '{"pad":"' + 'x'.repeat(5 * 1024 * 1024) + '"}';
    const declared = await call(`${base}/api/agents/heartbeat`, {
      method: 'POST',
      token: agent.agent_token,
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(declared.status).toBe(413);
    ProblemSchema.parse(declared.body);
    // Chunked, no Content-Length: the limit is enforced while streaming.
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"pad":"'));
      },
      pull(c) {
        if (sent++ < 200) c.enqueue(chunk);
        else c.close();
      },
    });
    const streamed = await call(`${base}/api/agents/heartbeat`, {
      method: 'POST',
      token: agent.agent_token,
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await call(`${base}/healthz`)).status).toBe(200);
  });

  it('GEN-5: gzip bodies are accepted; the limit applies to the inflated size (a gzip bomb gets 413)', async () => {
    const gz = gzipSync(JSON.stringify(heartbeatFor(agent.asset_id)));
    const ok = await call(`${base}/api/agents/heartbeat`, {
      method: 'POST',
      token: agent.agent_token,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gz,
    });
    expect(ok.status).toBe(200);
    const bomb = gzipSync('{"pad":"' + ' '.repeat(50 * 1024 * 1024) + '"}');
    expect(bomb.length).toBeLessThan(256 * 1024);
    const r = await call(`${base}/api/agents/heartbeat`, {
      method: 'POST',
      token: agent.agent_token,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: bomb,
    });
    expect(r.status).toBe(413);
    const corrupt = await call(`${base}/api/agents/heartbeat`, {
      method: 'POST',
      token: agent.agent_token,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: 'not gzip at all',
    });
    expect(corrupt.status).toBe(400);
  });

  it('GEN-5: a gzip body past 64 KiB on the wire streams through inflation: accepted whole, 413 past the limit, 400 when cut short', async () => {
    // Bodies up to 64 KiB gzipped are inflated in one call (read-json-body.ts); these take the streaming path.
    const noise = (n: number) => randomBytes(n).toString('base64');
    const big = { ...heartbeatFor(agent.asset_id), padding: noise(120 * 1024) }; // HB-5: an unknown member
    const gz = gzipSync(JSON.stringify(big));
    expect(gz.length).toBeGreaterThan(64 * 1024);
    const post = (body: Buffer<ArrayBuffer>) =>
      call(`${base}/api/agents/heartbeat`, {
        method: 'POST',
        token: agent.agent_token,
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body,
      });
    expect((await post(gz)).status).toBe(200);
    const over = gzipSync(JSON.stringify({ ...heartbeatFor(agent.asset_id), padding: noise(3 * 1024 * 1024) + ' '.repeat(8 * 1024 * 1024) }));
    expect(over.length).toBeGreaterThan(64 * 1024);
    expect((await post(over)).status).toBe(413);
    const truncated = gz.subarray(0, gz.length - 100);
    expect((await post(Buffer.from(truncated))).status).toBe(400);
    expect((await post(Buffer.from(gz.subarray(0, 200)))).status).toBe(400); // a small cut body: inflated at once
  });

  it('GEN-6: malformed input of many kinds never gets a 5xx, and the server keeps serving', async () => {
    let deep = '0';
    for (let i = 0; i < 5000; i++) deep = `[${deep}]`;
    const bodies = [
      deep,
      `{"a":${deep}}`,
      '{"asset_id":' + '9'.repeat(400) + '}',
      '\u0000\u0001',
      Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
      JSON.stringify({ ...heartbeatFor(agent.asset_id), status: { cpu_usage: 1e308 * 10 } }),
      '{"__proto__":{"admin":true}}',
      '{"asset_id":"\\ud800","timestamp":{"$gt":""}}',
      '{"a":1,"a":2,' + '"k":0,'.repeat(20000) + '"z":0}',
    ];
    for (const body of bodies) {
      const r = await call(`${base}/api/agents/heartbeat`, { method: 'POST', token: agent.agent_token, headers: { 'content-type': 'application/json' }, body });
      expect(r.status, String(body).slice(0, 40)).toBeLessThan(500);
    }
    const nul = heartbeatFor(agent.asset_id);
    nul.hardware_inventory!.system!.hostname = 'nul\u0000host';
    nul.hardware_inventory!.bitlocker!.volumes[0]!.drive_letter = 'C:\u0000';
    expect((await postHeartbeat(base, agent.agent_token, nul)).status).toBe(200);
    expect((await call(`${base}/api/agents/${agent.asset_id}/recovery-keys`, { token: TEST_ADMIN_TOKEN })).status).toBe(200);
    const nulReg = await call(`${base}/api/agents/register`, {
      method: 'POST',
      token: TEST_ENROLLMENT_SECRET,
      json: { hardware_fingerprint: 'fp\u0000-0123456789abcdef', hostname: 'a\u0000b' },
    });
    expect(nulReg.status).toBe(201);
    const nested = heartbeatFor(agent.asset_id) as unknown as Record<string, unknown>;
    let n: unknown = 1;
    for (let i = 0; i < 500; i++) n = { n };
    nested.extra = n;
    expect((await postHeartbeat(base, agent.agent_token, nested)).status).toBe(400);
    for (const path of ['/api/agents/%E0%A4%A', '/api/agents/..%2F..%2Fetc', '/%', `/api/agents/${'a'.repeat(5000)}`]) {
      const r = await call(`${base}${path}`, { token: TEST_ADMIN_TOKEN });
      expect(r.status, path).toBeLessThan(500);
    }
    const rawBad = await rawExchange(server.port, 'POST /api/agents/heartbeat HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n');
    expect(rawBad).toMatch(/^HTTP\/1\.1 4\d\d/);
    const weirdAuth = await call(`${base}/api/agents/heartbeat`, {
      method: 'POST',
      headers: { authorization: 'Bearer', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(weirdAuth.status).toBe(401);
    expect((await call(`${base}/healthz`)).status).toBe(200);
  });

  it('GEN-7: an unknown path gets 404; a known path with the wrong method gets 405 with Allow', async () => {
    const missing = await call(`${base}/api/nothing-here`);
    expect(missing.status).toBe(404);
    const wrong = await call(`${base}/api/agents/heartbeat`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    const del = await call(`${base}/api/agents`, { method: 'DELETE', token: TEST_ADMIN_TOKEN });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toContain('GET');
    const reg = await call(`${base}/api/agents/register`, { token: TEST_ADMIN_TOKEN });
    expect(reg.status).toBe(405);
    expect(reg.headers.get('allow')).toBe('POST');
    ProblemSchema.parse(del.body);
  });

  it('GEN-8: a slowloris connection is cut off within 15 s and does not starve others', async () => {
    const started = Date.now();
    const closed = new Promise<number>((resolve) => {
      const socket = connect(server.port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write('POST /api/agents/heartbeat HTTP/1.1\r\nHost: x\r\n');
      const drip = setInterval(() => {
        if (!socket.destroyed) socket.write('X-Slow: 1\r\n');
      }, 1000);
      socket.on('close', () => {
        clearInterval(drip);
        resolve(Date.now() - started);
      });
    });
    // Meanwhile others are served promptly.
    const t0 = Date.now();
    const r = await postHeartbeat(base, agent.agent_token, heartbeatFor(agent.asset_id));
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(5000); // generous: the machine is shared; starvation would take the full 10 s
    const cutAfter = await closed;
    expect(cutAfter).toBeLessThan(15_000);
  }, 20_000);
});
