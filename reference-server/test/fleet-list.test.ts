import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFleetCursor, encodeFleetCursor } from '../http/fleet-list.js';
import { FleetListSchema, type FleetList } from '@lanet/contracts';
import { adminGet, enroll, heartbeatFor, postHeartbeat } from './http-client.js';
import { STORE_KINDS, startTestServer, type TestServer } from './test-server.js';

/** A fleet page as this server answers it: paged, with whole-fleet counts including the total (FLT-5). */
type FleetPage = FleetList & { counts: { total: number; online: number; offline: number; never_seen: number }; next_cursor: string | null };

/** Follows next_cursor from the first page to the last; fails if the walk does not end. */
async function walk(base: string, query: string): Promise<{ pages: FleetPage[]; hostnames: string[]; ids: string[] }> {
  const pages: FleetPage[] = [];
  let cursor: string | null = null;
  do {
    const r = await adminGet(base, `/api/agents?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status, r.text).toBe(200);
    expect(FleetListSchema.safeParse(r.body).success, 'the page matches the contract').toBe(true);
    const page = r.body as FleetPage;
    pages.push(page);
    cursor = page.next_cursor;
    if (pages.length > 100) throw new Error('the cursor walk did not end');
  } while (cursor !== null);
  const agents = pages.flatMap((p) => p.agents);
  return { pages, hostnames: agents.map((a) => a.hostname ?? ''), ids: agents.map((a) => a.asset_id) };
}

describe.each(STORE_KINDS)('FLT-5: GET /api/agents pages and filters (%s store)', (kind) => {
  let server: TestServer;
  let base: string;
  // 23 agents: 13 seen (online), 10 never seen; hostnames in mixed case, one with LIKE wildcards in it.
  const names = ['Alpha', 'bravo', 'CHARLIE', 'delta', 'Echo', 'foxtrot', 'golf', 'HOTEL', 'india', 'juliett', 'kilo', 'Lima', '50%_off'];
  const neverNames = Array.from({ length: 10 }, (_, i) => `never-${String(i).padStart(2, '0')}`);
  const tokens = new Map<string, { asset_id: string; agent_token: string }>();
  beforeAll(async () => {
    server = await startTestServer(kind);
    base = server.url;
    for (const name of names) {
      const agent = await enroll(base, undefined, name);
      tokens.set(name, agent);
      const hb = heartbeatFor(agent.asset_id);
      hb.hardware_inventory!.system!.hostname = name;
      expect((await postHeartbeat(base, agent.agent_token, hb)).status).toBe(200);
    }
    for (const name of neverNames) await enroll(base, undefined, name);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('pages by hostname (case-insensitive) with limit and cursor: every agent once, in order, counts the whole fleet', async () => {
    const { pages, hostnames, ids } = await walk(base, 'limit=4');
    expect(pages.length).toBe(6);
    expect(pages.slice(0, -1).every((p) => p.agents.length === 4)).toBe(true);
    expect(new Set(ids).size).toBe(23);
    const expected = [...names, ...neverNames].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
    expect(hostnames).toEqual(expected);
    for (const p of pages) {
      expect(p.counts).toEqual({ total: 23, online: 13, offline: 0, never_seen: 10 });
      expect(p.offline_after_s).toBe(600);
    }
    const back = await walk(base, 'limit=5&sort=-hostname');
    expect(back.hostnames).toEqual([...expected].reverse());
  });

  it('filters by status and by hostname substring; counts stay those of the whole fleet', async () => {
    const never = await walk(base, 'status=never_seen&limit=3');
    expect(never.hostnames).toEqual(neverNames);
    expect(never.pages.every((p) => p.agents.every((a) => a.status === 'never_seen'))).toBe(true);
    expect(never.pages[0]!.counts.total).toBe(23);
    expect((await walk(base, 'status=online')).ids.length).toBe(13);
    expect((await walk(base, 'status=offline')).ids.length).toBe(0);
    const li = await walk(base, 'q=LI');
    expect(li.hostnames).toEqual(['CHARLIE', 'juliett', 'Lima']);
    expect(li.pages[0]!.matched).toBe(3);
    expect(never.pages[0]!.matched).toBe(10);
    expect((await walk(base, 'q=li&status=never_seen')).hostnames).toEqual([]);
    // LIKE wildcards are searched literally: '%' alone matches only the one hostname holding it.
    expect((await walk(base, `q=${encodeURIComponent('%')}`)).hostnames).toEqual(['50%_off']);
    expect((await walk(base, 'q=_')).hostnames).toEqual(['50%_off']);
  });

  it('sorts by last seen, oldest first (never seen at the top) and newest first', async () => {
    const oldest = await walk(base, 'sort=last_seen_at&limit=6');
    expect(oldest.hostnames.slice(0, 10).every((h) => h.startsWith('never-'))).toBe(true);
    expect(oldest.hostnames.slice(10)).toEqual(names);
    const newest = await walk(base, 'sort=-last_seen_at&limit=6');
    expect(newest.hostnames.slice(0, 13)).toEqual([...names].reverse());
  });

  it('a heartbeat from the last agent of a page does not make the next page skip the agents after it', async () => {
    const first = (await adminGet(base, '/api/agents?sort=last_seen_at&limit=12')).body as FleetPage;
    expect(first.agents.map((a) => a.hostname).slice(10)).toEqual(['Alpha', 'bravo']);
    const bravo = tokens.get('bravo')!;
    const hb = heartbeatFor(bravo.asset_id);
    hb.hardware_inventory!.system!.hostname = 'bravo';
    expect((await postHeartbeat(base, bravo.agent_token, hb)).status).toBe(200);
    const rest = await walk(base, `sort=last_seen_at&limit=50&cursor=${encodeURIComponent(first.next_cursor!)}`);
    expect(rest.hostnames).toEqual([...names.slice(2), 'bravo']);
  });

  it('refuses a bad limit, status, sort, and a cursor it did not issue or issued for another sort (400, never 5xx)', async () => {
    for (const q of ['limit=0', 'limit=1001', 'limit=abc', 'status=gone', 'sort=cpu', 'cursor=%00%00', 'cursor=bm90IGpzb24', `q=${'x'.repeat(256)}`]) {
      const r = await adminGet(base, `/api/agents?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    const page = (await adminGet(base, '/api/agents?limit=2')).body as FleetPage;
    const wrongSort = await adminGet(base, `/api/agents?sort=last_seen_at&cursor=${encodeURIComponent(page.next_cursor!)}`);
    expect(wrongSort.status).toBe(400);
    expect(wrongSort.body.errors[0].path).toBe('/cursor');
    const nul = await adminGet(base, `/api/agents?q=${encodeURIComponent('a\u0000b')}`);
    expect(nul.status).toBe(200);
    expect(nul.body.agents).toEqual([]);
  });
});

describe('fleet cursors', () => {
  it('round-trip, carry the last-seen key only, and refuse tampering', () => {
    const id = '0b7c1d5e-1f2a-4b3c-8d4e-5f6a7b8c9d0e';
    expect(decodeFleetCursor(encodeFleetCursor('-last_seen_at', id, 1_700_000_000_123), '-last_seen_at', 'last_seen')).toEqual({
      key: 1_700_000_000_123,
      assetId: id,
    });
    expect(decodeFleetCursor(encodeFleetCursor('hostname', id, 'some-host'), 'hostname', 'hostname')).toEqual({ assetId: id });
    expect(() => decodeFleetCursor(encodeFleetCursor('hostname', id, 'h'), 'last_seen_at', 'last_seen')).toThrow(/sort=hostname/);
    expect(() => decodeFleetCursor(Buffer.from('{"s":"last_seen","a":"x"}').toString('base64url'), 'last_seen', 'last_seen')).toThrow(/issued/);
    expect(() => decodeFleetCursor(Buffer.from('{"s":"last_seen","a":"' + id + '","k":1.5}').toString('base64url'), 'last_seen', 'last_seen')).toThrow(
      /issued/,
    );
  });
});
