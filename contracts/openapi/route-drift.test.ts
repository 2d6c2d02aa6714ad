import { describe, expect, it } from 'vitest';
import { findHandWrittenRoutes } from './route-drift.js';

describe('route drift', () => {
  it('finds express, router and MSW routes written with a literal path', () => {
    const text = [
      "app.get('/api/agents/export', h);",
      'router.post("/api/x", h);',
      'const r = http.post(`/api/agents/register`, f);',
      "app.route('/metrics2');",
    ].join('\n');
    expect(findHandWrittenRoutes('x.ts', text).map((r) => [r.line, r.path])).toEqual([
      [1, '/api/agents/export'],
      [2, '/api/x'],
      [3, '/api/agents/register'],
      [4, '/metrics2'],
    ]);
  });

  it('passes routes taken from the table and the dashboard page', () => {
    const text = ['app.route(expressPathOf(r));', "http.post(base + route('postHeartbeat').path, f);", "app.get('/', page);"].join('\n');
    expect(findHandWrittenRoutes('x.ts', text)).toEqual([]);
  });
});
