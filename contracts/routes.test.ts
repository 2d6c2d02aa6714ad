import { describe, expect, it } from 'vitest';
import { requirementIdsOf } from './requirements/requirements.js';
import { matchRoute, pathOf, route, routes } from './routes.js';

describe('route table', () => {
  it('matches each operation by method and path, with decoded parameters', () => {
    const m = matchRoute('GET', '/api/agents/3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d/heartbeats');
    expect(m && 'route' in m ? [m.route.operationId, m.params] : m).toEqual(['listHeartbeats', { asset_id: '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d' }]);
    const reg = matchRoute('post', '/api/agents/register');
    expect(reg && 'route' in reg ? reg.route.operationId : reg).toBe('registerAgent');
  });

  it('gives the methods of a known path for a wrong method (405 Allow), nothing for an unknown path (404)', () => {
    expect(matchRoute('DELETE', '/api/agents/heartbeat')).toEqual({ allow: ['POST', 'GET', 'HEAD'] });
    expect(matchRoute('GET', '/api/nothing')).toBeUndefined();
    expect(matchRoute('GET', '/api/agents/%E0%A4%A/heartbeats')).toMatchObject({ params: { asset_id: '%E0%A4%A' } });
  });

  it('builds concrete paths, encoding parameters, and refuses a missing one', () => {
    expect(pathOf('getAgent', { asset_id: 'a/b' })).toBe('/api/agents/a%2Fb');
    expect(() => pathOf('getAgent')).toThrow(/missing path parameter asset_id/);
  });

  it('lists each operation once, and its requirements from the catalogue', () => {
    expect(new Set(routes.map((r) => r.operationId)).size).toBe(routes.length);
    expect(route('postHeartbeat').path).toBe('/api/agents/heartbeat');
    expect(requirementIdsOf('postHeartbeat')).toEqual(expect.arrayContaining(['HB-1', 'HB-7', 'AUTH-1', 'ESC-1', 'GEN-1']));
    expect(requirementIdsOf('healthz')).not.toContain('HB-1');
  });
});
