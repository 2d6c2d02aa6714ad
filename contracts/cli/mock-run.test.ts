import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validatorFor } from '../message-validators.js';
import { seedHeartbeat } from '../seed-example.js';
import { startMock, type RunningMock } from './mock-run.js';

let mock: RunningMock;
const lines: string[] = [];

beforeAll(async () => {
  mock = await startMock({ host: '127.0.0.1', port: 0, verbose: 'info', enrollmentSecret: 'enrol-s3cret' }, (t) => lines.push(t));
});
afterAll(() => mock?.stop());

/** POSTs JSON the way the reference agent does: gzip, bearer, optional Idempotency-Key. */
function post(path: string, body: unknown, bearer: string | undefined, headers: Record<string, string> = {}, gzip = true) {
  const raw = Buffer.from(JSON.stringify(body));
  return fetch(mock.url + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...headers,
    },
    body: gzip ? gzipSync(raw) : raw,
  });
}

async function registered(fingerprint = 'sha256:0123456789abcdef'): Promise<{ asset_id: string; agent_token: string }> {
  const res = await post('/api/agents/register', { hardware_fingerprint: fingerprint, hostname: 'pc-1' }, 'enrol-s3cret');
  expect(res.status).toBe(201);
  expect(validatorFor('register-response')(await res.clone().json()).ok).toBe(true);
  return (await res.json()) as { asset_id: string; agent_token: string };
}

describe("lanet mock: the agent's wire", () => {
  it('REG-1, HB-1, GEN-5: registers, then accepts a gzip heartbeat with the issued token', async () => {
    const id = await registered();
    const res = await post('/api/agents/heartbeat', { ...seedHeartbeat(), asset_id: id.asset_id }, id.agent_token, { 'idempotency-key': 'k-1' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(validatorFor('heartbeat-response')(body).ok).toBe(true);
    // HB-7: the same Idempotency-Key gets the first answer again.
    const again = await post('/api/agents/heartbeat', { ...seedHeartbeat(), asset_id: id.asset_id }, id.agent_token, { 'idempotency-key': 'k-1' });
    expect(await again.json()).toEqual(body);
    // Plain JSON works too.
    expect((await post('/api/agents/heartbeat', { ...seedHeartbeat(), asset_id: id.asset_id }, id.agent_token, {}, false)).status).toBe(200);
  });

  it("HB-3: a 400 is problem+json whose errors are the real violations by JSON Pointer, in the contract's words", async () => {
    const id = await registered();
    const hb = { ...seedHeartbeat(), asset_id: id.asset_id } as Record<string, any>;
    delete hb.hardware_inventory.system.hostname;
    hb.status.cpu_usage = 150;
    const res = await post('/api/agents/heartbeat', hb, id.agent_token);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await res.json()) as { type: string; errors: unknown };
    expect(validatorFor('problem')(problem).ok).toBe(true);
    expect(problem.errors).toEqual([
      { path: '/status/cpu_usage', message: 'must be a number from 0 to 100 (got 150)' },
      { path: '/hardware_inventory/system/hostname', message: 'required: must be a string of 1 to 255 characters' },
    ]);
    expect(lines.join('')).toContain('/hardware_inventory/system/hostname: required');
  });

  it('REG-2, REG-3, AUTH-1, AUTH-2: secrets and tokens are checked; re-registering keeps the asset_id and revokes the old token', async () => {
    expect((await post('/api/agents/register', { hardware_fingerprint: 'sha256:0123456789abcdef', hostname: 'pc-1' }, 'wrong')).status).toBe(401);
    expect((await post('/api/agents/register', { hardware_fingerprint: 'sha256:0123456789abcdef', hostname: 'pc-1' }, undefined)).status).toBe(401);
    const first = await registered('sha256:ffffffffffffffff');
    const second = await registered('sha256:ffffffffffffffff');
    expect(second.asset_id).toBe(first.asset_id);
    const hb = { ...seedHeartbeat(), asset_id: first.asset_id };
    expect((await post('/api/agents/heartbeat', hb, first.agent_token)).status).toBe(401);
    expect((await post('/api/agents/heartbeat', hb, undefined)).status).toBe(401);
    expect((await post('/api/agents/heartbeat', hb, second.agent_token)).status).toBe(200);
    const other = await registered('sha256:eeeeeeeeeeeeeeee');
    expect((await post('/api/agents/heartbeat', hb, other.agent_token)).status).toBe(403);
  });

  it('GEN-2..GEN-5, GEN-7: malformed JSON 400, wrong type 415, gzip bomb 413, unknown path 404, wrong method 405 with Allow', async () => {
    const id = await registered();
    const bad = await fetch(mock.url + '/api/agents/heartbeat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${id.agent_token}` },
      body: '{"asset_id":',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ path: string }> }).errors[0]!.path).toBe('');
    const text = await fetch(mock.url + '/api/agents/heartbeat', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${id.agent_token}` },
      body: '{}',
    });
    expect(text.status).toBe(415);
    const bomb = await post('/api/agents/heartbeat', { pad: 'x'.repeat(5 * 1024 * 1024) }, id.agent_token);
    expect(bomb.status).toBe(413);
    expect((await fetch(mock.url + '/api/agents')).status).toBe(404);
    const del = await fetch(mock.url + '/api/agents/heartbeat', { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toContain('POST');
    // The route table reads GET /api/agents/heartbeat as a fleet read (asset_id "heartbeat"): not served by the mock.
    expect((await fetch(mock.url + '/api/agents/heartbeat')).status).toBe(404);
    expect((await fetch(mock.url + '/healthz')).status).toBe(200);
  });
});

describe('lanet mock: fault schedule', () => {
  it('AG-2, AG-3, AG-6: replays reset, 503 + Retry-After, 401 and slow, in order, then answers normally', async () => {
    const id = await registered();
    const hb = { ...seedHeartbeat(), asset_id: id.asset_id };
    mock.backend.faults.push(
      { kind: 'reset', times: 1 },
      { kind: 'status', status: 503, retryAfterS: 7, times: 1 },
      { kind: 'status', status: 502, times: 1 },
      { kind: 'unauthorized', times: 1 },
      { kind: 'slow', ms: 300, times: 1 },
    );
    await expect(post('/api/agents/heartbeat', hb, id.agent_token)).rejects.toThrow();
    const unavailable = await post('/api/agents/heartbeat', hb, id.agent_token);
    expect([unavailable.status, unavailable.headers.get('retry-after')]).toEqual([503, '7']);
    expect((await post('/api/agents/heartbeat', hb, id.agent_token)).status).toBe(502);
    expect((await post('/api/agents/heartbeat', hb, id.agent_token)).status).toBe(401);
    const started = Date.now();
    expect((await post('/api/agents/heartbeat', hb, id.agent_token)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect((await post('/api/agents/heartbeat', hb, id.agent_token)).status).toBe(200);
    expect(mock.backend.faults.remaining).toBe(0);
  });

  it('AG-2: an outage cuts every request, registration included, for its duration', async () => {
    const id = await registered();
    const hb = { ...seedHeartbeat(), asset_id: id.asset_id };
    mock.backend.faults.push({ kind: 'outage', ms: 400 });
    await expect(post('/api/agents/heartbeat', hb, id.agent_token)).rejects.toThrow();
    await expect(post('/api/agents/register', { hardware_fingerprint: 'sha256:0123456789abcdef', hostname: 'pc-1' }, 'enrol-s3cret')).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await post('/api/agents/heartbeat', hb, id.agent_token)).status).toBe(200);
  });
});
