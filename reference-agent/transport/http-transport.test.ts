import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedHeartbeat } from '@lanet/contracts';
import { parseRetryAfter, register, sendHeartbeat } from './http-transport.js';

const BASE = 'http://transport.test';
const TOKEN = 'agent-token-0123456789abcdef0123456789abcdef';
const mock = setupServer();
beforeAll(() => mock.listen({ onUnhandledRequest: 'error' }));
afterEach(() => mock.resetHandlers());
afterAll(() => mock.close());

function answer(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  mock.use(http.post(`${BASE}/api/agents/heartbeat`, () => HttpResponse.json(body, { status, headers })));
}
const problem = (status: number, errors?: unknown) => ({ type: 'about:blank', title: 'Problem', status, detail: 'details', ...(errors ? { errors } : {}) });

describe('sendHeartbeat classifies answers for the scheduler', () => {
  it('HB-11 and ESC-3: a 200 passes on next_heartbeat_in_s and escrow_required', async () => {
    answer(200, { status: 'ok', received_at: '2026-01-01T00:00:00Z', next_heartbeat_in_s: 600, escrow_required: true });
    const r = await sendHeartbeat(BASE, TOKEN, seedHeartbeat());
    expect(r.outcome).toEqual({ kind: 'accepted', nextHeartbeatInS: 600, escrowRequired: true });
    expect(r.gzipBytes).toBeLessThan(r.rawBytes);
  });

  it('a 200 whose body breaks the contract is still accepted, without steering', async () => {
    answer(200, { status: 'ok', next_heartbeat_in_s: 5 });
    const r = await sendHeartbeat(BASE, TOKEN, seedHeartbeat());
    expect(r.outcome).toEqual({ kind: 'accepted' });
    expect(r.detail).toMatch(/contract refuses/);
  });

  it('AG-4: a 400 is rejected and its field errors are kept for the log', async () => {
    answer(400, problem(400, [{ path: '/status/cpu_usage', message: 'Too big' }]));
    const r = await sendHeartbeat(BASE, TOKEN, seedHeartbeat());
    expect(r.outcome).toEqual({ kind: 'rejected', status: 400 });
    expect(r.detail).toContain('/status/cpu_usage: Too big');
  });

  it('AG-6: a 401 is unauthorized; AG-3: 429 and 5xx are server errors with Retry-After', async () => {
    answer(401, problem(401));
    expect((await sendHeartbeat(BASE, TOKEN, seedHeartbeat())).outcome).toEqual({ kind: 'unauthorized' });
    answer(429, problem(429), { 'Retry-After': '30' });
    expect((await sendHeartbeat(BASE, TOKEN, seedHeartbeat())).outcome).toEqual({ kind: 'server-error', status: 429, retryAfterS: 30 });
    answer(502, problem(502));
    expect((await sendHeartbeat(BASE, TOKEN, seedHeartbeat())).outcome).toEqual({ kind: 'server-error', status: 502 });
  });

  it('AG-2: a network failure is network-error; AUTH-4: the token never appears in the detail', async () => {
    mock.use(http.post(`${BASE}/api/agents/heartbeat`, () => HttpResponse.error()));
    const r = await sendHeartbeat(BASE, TOKEN, seedHeartbeat());
    expect(r.outcome).toEqual({ kind: 'network-error' });
    expect(r.status).toBe(0);
    expect(JSON.stringify(r)).not.toContain(TOKEN);
  });

  it('Retry-After as seconds or an HTTP date', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('register', () => {
  it("REG-1: a 201 in the contract's shape gives the identity; one that is not is refused", async () => {
    const good = { asset_id: '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d', agent_token: TOKEN, heartbeat_interval_s: 300 };
    mock.use(http.post(`${BASE}/api/agents/register`, () => HttpResponse.json(good, { status: 201 }), { once: true }));
    const request = { hardware_fingerprint: 'sha256:0123456789abcdef', hostname: 'pc' };
    expect((await register(BASE, 'secret', request)).registration).toEqual(good);
    mock.use(http.post(`${BASE}/api/agents/register`, () => HttpResponse.json({ asset_id: 'nope' }, { status: 201 }), { once: true }));
    const bad = await register(BASE, 'secret', request);
    expect(bad.registration).toBeUndefined();
    expect(bad.outcome.kind).toBe('rejected');
  });
});
