import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetList } from '@lanet/contracts';
import { agentPageSql } from '../store/fleet-page-sql.js';
import type { AgentPageQuery } from '../store/store.js';
import { adminGet } from './http-client.js';
import { newTestSchema, TEST_POSTGRES_URL, type TestSchema } from './postgres-schema.js';
import { seedFleet, seedHostname } from './seed-fleet.js';
import { STORE_KINDS, startTestServer, type TestServer } from './test-server.js';

/** A fleet page as this server answers it: paged, with whole-fleet counts including the total (FLT-5). */
type FleetPage = FleetList & { counts: { total: number; online: number; offline: number; never_seen: number }; next_cursor: string | null };

const AGENTS = 100_000;

/** Median milliseconds of `runs` sequential calls of `fn`. */
async function medianMs(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

/** The page queries the dashboard sends, as the store receives them. */
const now = Date.now();
const QUERIES: Array<[string, AgentPageQuery]> = [
  ['hostname page', { limit: 101, sort: 'hostname', descending: false, onlineSinceMs: now }],
  [
    'hostname page after a cursor',
    { limit: 101, sort: 'hostname', descending: true, onlineSinceMs: now, after: { assetId: '00000000-0000-4000-8000-000000000000' } },
  ],
  [
    'last seen page after a cursor',
    { limit: 101, sort: 'last_seen', descending: false, onlineSinceMs: now, after: { key: now - 3_600_000, assetId: '00000000-0000-4000-8000-000000000000' } },
  ],
  ['online filter', { limit: 101, sort: 'last_seen', descending: true, onlineSinceMs: now - 600_000, status: 'online' }],
];

describe.each(STORE_KINDS)(`FLT-5 at ${AGENTS.toLocaleString('en')} agents (%s store)`, (kind) => {
  let server: TestServer;
  let dir: string;
  let schema: TestSchema | undefined;
  let database: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanet-fleet-scale-'));
    schema = kind === 'postgres' ? newTestSchema() : undefined;
    database = schema ? schema.url : join(dir, 'lanet.db');
    await seedFleet(database, AGENTS);
    server = await startTestServer(kind, { database });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every page query is an index range scan, never a sort of the whole table (keyset pages)', async () => {
    for (const [name, q] of QUERIES) {
      const args: unknown[] = [];
      if (kind === 'sqlite') {
        const db = new Database(database, { readonly: true });
        const plan = db
          .prepare(
            `EXPLAIN QUERY PLAN ${agentPageSql(
              q,
              (v) => {
                args.push(v);
                return '?';
              },
              'sqlite',
            )}`,
          )
          .all(...args) as Array<{ detail: string }>;
        db.close();
        const text = plan.map((p) => p.detail).join(' | ');
        expect(text, name).toMatch(/USING INDEX agents_by_(host|seen)/);
        expect(text, name).not.toMatch(/TEMP B-TREE/);
      } else {
        const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, options: `-c search_path="${schema!.name}"` });
        await client.connect();
        const { rows } = await client.query(
          `EXPLAIN ${agentPageSql(
            q,
            (v) => {
              args.push(v);
              return `$${args.length}`;
            },
            'postgres',
          )}`,
          args,
        );
        await client.end();
        const text = rows.map((r) => r['QUERY PLAN'] as string).join('\n');
        expect(text, name).toMatch(/Index (Only )?Scan (Backward )?using agents_by_(host|seen)/);
        expect(text, name).not.toMatch(/Sort Key/);
      }
    }
  });

  it('serves the first page, a deep page, a filtered page and the counts quickly', async () => {
    const first = await adminGet(server.url, '/api/agents');
    expect(first.status).toBe(200);
    const page = first.body as FleetPage;
    expect(page.agents.length).toBe(100);
    expect(page.counts.total).toBe(AGENTS);
    expect(page.counts.online + page.counts.offline + page.counts.never_seen).toBe(AGENTS);
    let cursor = page.next_cursor!;
    for (let i = 0; i < 20; i++) cursor = ((await adminGet(server.url, `/api/agents?cursor=${encodeURIComponent(cursor)}`)).body as FleetPage).next_cursor!;
    const timings = {
      first: await medianMs(9, () => adminGet(server.url, '/api/agents')),
      deep: await medianMs(9, () => adminGet(server.url, `/api/agents?cursor=${encodeURIComponent(cursor)}`)),
      online: await medianMs(9, () => adminGet(server.url, '/api/agents?status=online&sort=-last_seen_at')),
      search: await medianMs(9, () => adminGet(server.url, '/api/agents?q=ops-0999')),
      oldest: await medianMs(9, () => adminGet(server.url, '/api/agents?sort=last_seen_at&status=offline')),
    };
    process.stdout.write(
      `FLT-5 ${kind} ${AGENTS} agents, median ms of 9: ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v * 10) / 10])))}\n`,
    );
    // Generous bounds for a shared 2-core machine; a whole-fleet answer took seconds here.
    expect(timings.first).toBeLessThan(500);
    expect(timings.deep).toBeLessThan(500);
    const search = (await adminGet(server.url, '/api/agents?q=ops-0999')).body as FleetPage;
    expect(search.agents.map((a) => a.hostname)).toEqual(Array.from({ length: AGENTS }, (_, i) => seedHostname(i)).filter((h) => h.includes('OPS-0999')));
  }, 120_000);
});
