import { describe, expect, it } from 'vitest';
import { checkResponseContract, contractFor } from './response-contract.js';

const ID = '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d';

describe('response contracts come from the route table', () => {
  it('names the schema of each operation and status', () => {
    expect(contractFor('POST', '/api/agents/heartbeat', 200)?.name).toBe('HeartbeatResponse');
    expect(contractFor('POST', '/api/agents/register', 201)?.name).toBe('RegisterResponse');
    expect(contractFor('GET', `/api/agents/${ID}/heartbeats?limit=5`, 200)?.name).toBe('HeartbeatHistoryPage');
    expect(contractFor('GET', '/api/agents?status=online', 200)?.name).toBe('FleetList');
    expect(contractFor('GET', '/readyz', 503)?.name).toBe('Readiness');
  });

  it('holds every error to problem+json, an undeclared 2xx to the declared one, and text answers to nothing', () => {
    expect(contractFor('GET', '/nowhere', 404)?.name).toBe('Problem');
    expect(contractFor('POST', '/api/agents/heartbeat', 408)?.name).toBe('Problem');
    expect(contractFor('POST', '/api/agents/heartbeat', 202)?.name).toBe('HeartbeatResponse');
    expect(contractFor('GET', '/metrics', 200)).toBeUndefined();
    expect(contractFor('HEAD', '/healthz', 200)).toBeUndefined();
  });

  it('reports a body that breaks its contract, and passes one that meets it', () => {
    expect(checkResponseContract('POST', '/api/agents/heartbeat', 200, '{"status":"ok"}')[0]).toMatch(/HeartbeatResponse body breaks the contract/);
    const ok = JSON.stringify({ status: 'ok', received_at: '2026-12-02T09:00:00.000Z', next_heartbeat_in_s: 300 });
    expect(checkResponseContract('POST', '/api/agents/heartbeat', 200, ok)).toEqual([]);
  });
});
