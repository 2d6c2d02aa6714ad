import { randomBytes } from 'node:crypto';
import { FleetListSchema, validateMessage, type FleetList } from '@lanet/contracts';
import type { Exchange } from '../http/conformance-http.js';
import type { TestAgent } from './agent-fixtures.js';
import { outcomeOf, SkipCheck, type Check, type CheckContext, type Finding } from './check-types.js';
import { findingFor } from './expect.js';

/** One fleet list read with the admin token; the list's own shape is FLT-1's, FLT-5's fields are judged here. */
async function list(ctx: CheckContext, query: string): Promise<{ ex: Exchange; page?: FleetList }> {
  const ex = await ctx.http.send({ method: 'GET', path: `/api/agents${query}`, bearer: ctx.settings.adminToken, contractOwner: 'FLT-1' });
  const parsed = validateMessage(FleetListSchema, ex.json);
  return { ex, page: ex.status === 200 && parsed.ok ? parsed.value : undefined };
}

const sum = (c: FleetList['counts']) => (c ? c.online + c.offline + c.never_seen : 0);

/** FLT-5: the fleet list pages with limit/cursor, filters by status and hostname, and counts the whole fleet. */
export const fleetPagingCheck: Check = {
  id: 'FLT-5',
  name: 'pages-and-filters',
  level: 'SHOULD',
  profile: 'fleet',
  description:
    'GET /api/agents?limit=1 pages with next_cursor through every match of q (hostname) once; status=never_seen filters; counts cover the whole fleet',
  run: async (ctx) => {
    ctx.agents.requireFleet('the fleet list');
    const prefix = `flt5-${randomBytes(4).toString('hex')}`;
    const agents: TestAgent[] = [];
    for (let i = 0; i < 3; i++) agents.push(await ctx.agents.fresh(`${prefix}-${i}`)); // registered with a hostname holding the prefix
    // Two send heartbeats (online); with auth the third stays never_seen, without it it must send one to exist.
    for (const [i, a] of agents.entries()) {
      if (i < 2 || !ctx.agents.authenticated) await ctx.agents.accept(a, ctx.agents.heartbeat(a));
    }
    const registeredOnly = ctx.agents.authenticated ? agents.slice(2) : [];
    const before = await list(ctx, '?limit=1');
    if (!before.page)
      throw new SkipCheck(`precondition failed: GET /api/agents?limit=1 did not answer a fleet list (FLT-1 covers its shape): ${before.ex.status}`);
    const findings: Finding[] = [];
    const want = new Set(agents.map((a) => a.assetId));
    const seen: string[] = [];
    let cursor: string | null | undefined;
    let last = before;
    for (let page = 0; page < 10; page++) {
      last = await list(ctx, `?limit=1&q=${encodeURIComponent(prefix)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (!last.page) {
        findings.push(findingFor(last.ex, `page ${page + 1} of ?limit=1&q=${prefix} answered ${last.ex.status}`, '200 with a fleet page'));
        break;
      }
      if (last.page.agents.length > 1) {
        findings.push(findingFor(last.ex, `?limit=1 answered ${last.page.agents.length} agents`, 'at most 1 agent per page, and next_cursor for the rest'));
        break;
      }
      seen.push(...last.page.agents.map((a) => a.asset_id));
      if (!last.page.counts || sum(last.page.counts) < sum(before.page.counts) || sum(last.page.counts) < agents.length) {
        findings.push(
          findingFor(
            last.ex,
            `counts ${JSON.stringify(last.page.counts ?? null)} do not cover the whole fleet (${sum(before.page.counts)} agents counted before, without a filter)`,
            'counts over the whole fleet, whatever the page or filter',
          ),
        );
        break;
      }
      cursor = last.page.next_cursor;
      if (!cursor) break;
    }
    if (!findings.length && (seen.length !== want.size || !seen.every((id) => want.has(id)))) {
      findings.push(
        findingFor(
          last.ex,
          `following next_cursor over q=${prefix} gave ${seen.length} agents (${new Set(seen).size} distinct, ${seen.filter((id) => want.has(id)).length} of ours)`,
          `exactly the ${want.size} agents whose hostname contains ${prefix}, each once`,
        ),
      );
    }
    // never_seen is the one status that cannot change under the suite's feet (a short offline_after flips the others).
    for (const [status, expected] of [['never_seen', registeredOnly]] as const) {
      const r = await list(ctx, `?status=${status}&q=${encodeURIComponent(prefix)}&limit=100`);
      const got = r.page?.agents ?? [];
      const wrong = got.filter((a) => a.status !== status || !want.has(a.asset_id));
      if (!r.page || wrong.length || got.length !== expected.length)
        findings.push(
          findingFor(
            r.ex,
            `?status=${status}&q=${prefix} answered ${got.length} agents (${wrong.length} not ${status} or not matching)`,
            `exactly the ${expected.length} matching ${status} agents`,
          ),
        );
    }
    return outcomeOf(
      findings,
      `q=${prefix} paged one by one over ${seen.length} agents with next_cursor; status=never_seen exact; counts cover the whole fleet (${sum(last.page?.counts)})`,
    );
  },
};
