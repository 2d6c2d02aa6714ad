import { gzipSync } from 'node:zlib';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedHeartbeat } from '../seed-example.js';
import { createLanetHandlers } from './index.js';

const base = 'http://lanet.test';
const lanet = createLanetHandlers({ baseUrl: base, enrollmentSecret: 'enroll-secret' });
const server = setupServer(...lanet.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => lanet.reset());
afterAll(() => server.close());

function postHeartbeat(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}/api/agents/heartbeat`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body as string });
}

describe('createLanetHandlers', () => {
  it('HB-1: answers a valid heartbeat with a contract-valid 200 and records it as valid', async () => {
    const res = await postHeartbeat(JSON.stringify(seedHeartbeat()));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', next_heartbeat_in_s: 300 });
    expect(lanet.requests).toHaveLength(1);
    expect(lanet.requests[0]!.valid).toBe(true);
  });

  it('HB-3: answers an invalid heartbeat 400 with the JSON Pointer of the bad field', async () => {
    const hb = seedHeartbeat();
    hb.status!.cpu_usage = 150;
    const res = await postHeartbeat(JSON.stringify(hb));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as { errors: Array<{ path: string }> };
    expect(body.errors.map((e) => e.path)).toEqual(['/status/cpu_usage']);
    expect(lanet.requests[0]!.valid).toBe(false);
  });

  it('GEN-5: inflates gzip bodies before validating', async () => {
    const res = await postHeartbeat(gzipSync(JSON.stringify(seedHeartbeat())), { 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
  });

  it('fails on request: a status with Retry-After, then a network error, then recovers', async () => {
    lanet.fail({ status: 503, retryAfterS: 120 });
    lanet.fail({ networkError: true });
    const first = await postHeartbeat(JSON.stringify(seedHeartbeat()));
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('120');
    await expect(postHeartbeat(JSON.stringify(seedHeartbeat()))).rejects.toThrow();
    expect((await postHeartbeat(JSON.stringify(seedHeartbeat()))).status).toBe(200);
  });

  it('delays on request', async () => {
    lanet.fail({ delayMs: 150 });
    const started = Date.now();
    await postHeartbeat(JSON.stringify(seedHeartbeat()));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('REG-1/REG-2/REG-3: registers with the secret, refuses without it, keeps the asset id per fingerprint', async () => {
    const body = JSON.stringify({ hardware_fingerprint: 'sha256:0123456789abcdef', hostname: 'pc-1' });
    const refused = await fetch(`${base}/api/agents/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(refused.status).toBe(401);
    const headers = { 'content-type': 'application/json', authorization: 'Bearer enroll-secret' };
    const a = (await (await fetch(`${base}/api/agents/register`, { method: 'POST', headers, body })).json()) as { asset_id: string; agent_token: string };
    const b = (await (await fetch(`${base}/api/agents/register`, { method: 'POST', headers, body })).json()) as { asset_id: string; agent_token: string };
    expect(b.asset_id).toBe(a.asset_id);
    expect(b.agent_token).not.toBe(a.agent_token);
  });
});
