import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedHeartbeat } from '../seed-example.js';
import { defaultMockOptions, startMock, type RunningMock } from './mock-run.js';

let mock: RunningMock;

beforeAll(async () => {
  mock = await startMock({ ...defaultMockOptions, port: 0, verbose: 'error' });
}, 90_000);
afterAll(() => mock?.stop());

function post(path: string, body: unknown, headers: Record<string, string> = { authorization: 'Bearer dev-token' }) {
  return fetch(mock.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('lanet mock (Prism on spec/openapi.yaml)', () => {
  it('HB-1: answers the seed payload with 2xx and a body the contract accepts', async () => {
    const res = await post('/api/agents/heartbeat', seedHeartbeat());
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('HB-3: answers an invalid payload (cpu_usage 150) with 4xx naming the field', async () => {
    const hb = seedHeartbeat();
    hb.status!.cpu_usage = 150;
    const res = await post('/api/agents/heartbeat', hb);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await res.text()).toContain('cpu_usage');
  });

  it('AUTH-1: refuses a heartbeat without a bearer token', async () => {
    const res = await post('/api/agents/heartbeat', seedHeartbeat(), {});
    expect(res.status).toBe(401);
  });

  it('REG-1: answers a valid registration with 201', async () => {
    const res = await post('/api/agents/register', { hardware_fingerprint: 'sha256:0123456789abcdef', hostname: 'pc-1' });
    expect(res.status).toBe(201);
  });
});
