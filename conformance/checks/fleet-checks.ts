import fc from 'fast-check';
import { FleetListSchema, seedHeartbeat, seedSizedHeartbeat, validateMessage, type HeartbeatRequest } from '@lanet/contracts';
import { heartbeatArbitrary } from './payload-arbitraries.js';
import { describeResponse } from '../http/conformance-http.js';
import { FailCheck } from '../runner/run-checks.js';
import { uniqueTimestamp, type TestAgent } from './agent-fixtures.js';
import { outcomeOf, type Check, type CheckContext, type Finding } from './check-types.js';
import { findingFor, firstDifference, withoutRecoveryKeys } from './expect.js';

/** The seed payload plus unknown fields at four depths and non-ASCII text: all of it must come back (FLT-3, HB-5). */
function withUnknownFields(hb: HeartbeatRequest): HeartbeatRequest {
  const x = hb as any;
  x.x_agent_flags = { beta: true, rings: [1, 2, 3] };
  x.status.x_gpu_usage = 12.5;
  x.hardware_inventory.system.hostname = 'Büro-PC-東京-01';
  x.hardware_inventory.disks[0].x_temperature_c = 41;
  x.software_inventory.installed_programs[0].x_install_date = '20240101';
  x.software_inventory.installed_programs.push({ name: 'Программа 😀 ünïcödé', version: null, publisher: null });
  return hb;
}

/** Payloads for the read-back check: the guide's, the seed-sized one, and seeded generated ones (unicode, extras, partial). */
function readBackPayloads(ctx: CheckContext): Array<{ label: string; make: (agent: TestAgent) => HeartbeatRequest }> {
  const n = Math.max(4, Math.ceil(ctx.settings.maxExamples / 100));
  const generated = fc.sample(heartbeatArbitrary({ assetId: '00000000-0000-4000-8000-000000000000', extras: true, programs: { min: 0, max: 80 } }), {
    seed: ctx.settings.seed,
    numRuns: n,
  });
  return [
    { label: "the guide's example", make: (a) => ({ ...seedHeartbeat(), asset_id: a.assetId }) },
    { label: 'the seed-sized example', make: (a) => ({ ...seedSizedHeartbeat(), asset_id: a.assetId, timestamp: uniqueTimestamp() }) },
    {
      label: 'a payload with unknown fields at four depths and unicode names',
      make: (a) => withUnknownFields({ ...seedHeartbeat(), asset_id: a.assetId, timestamp: uniqueTimestamp() }),
    },
    ...generated.map((hb, i) => ({
      label: `generated payload #${i + 1} (seed ${ctx.settings.seed})`,
      make: (a: TestAgent) => ({ ...hb, asset_id: a.assetId }),
    })),
  ];
}

/** FLT-1, FLT-3 and FLT-4: the fleet list, read-back equality and the stored history. */
export const fleetChecks: Check[] = [
  {
    id: 'FLT-1',
    name: 'fleet-list',
    level: 'MUST',
    profile: 'fleet',
    description: 'GET /api/agents lists every agent with status, last_seen_at, hostname, partial and clock_skew_s',
    run: async (ctx) => {
      ctx.agents.requireFleet('the fleet list');
      const seen = await ctx.agents.fresh('flt1seen');
      await ctx.agents.accept(seen, ctx.agents.heartbeat(seen));
      const never = ctx.agents.authenticated ? await ctx.agents.fresh('flt1never') : undefined;
      const ex = await ctx.http.send({ method: 'GET', path: '/api/agents', bearer: ctx.settings.adminToken });
      const list = validateMessage(FleetListSchema, ex.json);
      const offlineAfter = (ex.json as { offline_after_s?: unknown } | undefined)?.offline_after_s;
      // FLT-1 names offline_after_s required: without it FLT-2 cannot be judged against an arbitrary backend.
      if (ex.status === 200 && !(typeof offlineAfter === 'number' && offlineAfter > 0))
        return outcomeOf(
          [
            findingFor(
              ex,
              `the fleet list states offline_after_s ${JSON.stringify(offlineAfter) ?? '(missing)'}`,
              'offline_after_s: the offline threshold in force, a positive number of seconds (required)',
            ),
          ],
          '',
        );
      if (ex.status !== 200 || !list.ok)
        return outcomeOf(
          [
            findingFor(
              ex,
              `GET /api/agents answered ${ex.status}${
                list.ok
                  ? ''
                  : `: ${list.errors
                      .slice(0, 3)
                      .map((e) => `${e.path} ${e.message}`)
                      .join('; ')}`
              }`,
              '200 with a FleetList',
            ),
          ],
          '',
        );
      const findings: Finding[] = [];
      // A backend that pages (FLT-5) lists every agent across its pages: follow next_cursor.
      const all = [...list.value.agents];
      for (let cursor = list.value.next_cursor, page = 0; cursor && page < 200; page++) {
        const next = await ctx.http.send({ method: 'GET', path: `/api/agents?cursor=${encodeURIComponent(cursor)}`, bearer: ctx.settings.adminToken });
        const parsed = validateMessage(FleetListSchema, next.json);
        if (next.status !== 200 || !parsed.ok) {
          findings.push(findingFor(next, `the next page of the fleet list answered ${next.status}`, '200 with a FleetList page'));
          break;
        }
        all.push(...parsed.value.agents);
        cursor = parsed.value.next_cursor;
      }
      const byId = new Map(all.map((a) => [a.asset_id, a]));
      const s = byId.get(seen.assetId);
      if (!s) findings.push(findingFor(ex, `the agent that sent a heartbeat (${seen.assetId}) is not in the list`, 'every registered agent listed'));
      else {
        const wrong: string[] = [];
        if (s.status !== 'online') wrong.push(`status ${s.status}`);
        if (!s.last_seen_at || Math.abs(Date.now() - Date.parse(s.last_seen_at)) > 60_000) wrong.push(`last_seen_at ${s.last_seen_at}`);
        if (s.hostname !== seen.hostname) wrong.push(`hostname ${JSON.stringify(s.hostname)}`);
        if (s.partial !== false) wrong.push(`partial ${s.partial}`);
        if (typeof s.clock_skew_s !== 'number') wrong.push(`clock_skew_s ${s.clock_skew_s}`);
        if (wrong.length)
          findings.push({
            message: `the agent just seen is listed with ${wrong.join(', ')}`,
            received: JSON.stringify(s),
            expected: `status online, last_seen_at ≈ now, hostname ${seen.hostname}, partial false, clock_skew_s a number`,
          });
      }
      if (never) {
        const n = byId.get(never.assetId);
        if (!n)
          findings.push(
            findingFor(
              ex,
              `the registered agent that never sent a heartbeat (${never.assetId}) is not in the list`,
              'every registered agent listed, never_seen included',
            ),
          );
        else if (n.status !== 'never_seen' || n.last_seen_at !== null)
          findings.push({
            message: `a never-seen agent is listed with status ${n.status}, last_seen_at ${n.last_seen_at}`,
            received: JSON.stringify(n),
            expected: 'status never_seen, last_seen_at null',
          });
      }
      return outcomeOf(findings, `${all.length} agents listed with the FLT-1 fields and offline_after_s ${list.value.offline_after_s}`);
    },
  },
  {
    id: 'FLT-3',
    name: 'read-back',
    level: 'MUST',
    profile: 'fleet',
    description: 'GET /api/agents/{id} returns the latest heartbeat exactly as sent (unknown fields kept, keys aside)',
    run: async (ctx) => {
      ctx.agents.requireFleet('read-back');
      const findings: Finding[] = [];
      const payloads = readBackPayloads(ctx);
      for (const { label, make } of payloads) {
        const agent = await ctx.agents.fresh('flt3');
        const hb = make(agent);
        const sent = await ctx.agents.accept(agent, hb);
        const read = await ctx.agents.eventually(
          () => ctx.agents.detailExchange(agent.assetId),
          (ex) => (ex.json as any)?.latest_heartbeat?.timestamp === hb.timestamp,
        );
        if (read.status !== 200) throw new FailCheck(findingFor(read, `GET /api/agents/${agent.assetId} answered ${read.status}`, '200 with the agent'));
        const back = (read.json as { latest_heartbeat?: unknown }).latest_heartbeat;
        const diff = firstDifference(withoutRecoveryKeys(hb), withoutRecoveryKeys(back));
        if (diff !== undefined)
          findings.push({
            message: `${label}: read-back differs from what was sent at ${diff}`,
            sent: sent.sent,
            received: describeResponse(read),
            expected: 'latest_heartbeat equal to the body sent (recovery keys aside: ESC-1)',
          });
      }
      return outcomeOf(findings, `${payloads.length} payloads read back equal`);
    },
  },
  {
    id: 'FLT-4',
    name: 'history',
    level: 'MUST',
    profile: 'fleet',
    description: 'after 12 distinct heartbeats the history holds exactly those 12, newest first, none lost or doubled',
    run: async (ctx) => {
      ctx.agents.requireFleet('the history');
      const agent = await ctx.agents.fresh('flt4');
      const sent: HeartbeatRequest[] = [];
      for (let i = 0; i < 12; i++) {
        const hb = ctx.agents.heartbeat(agent);
        await ctx.agents.accept(agent, hb);
        sent.push(hb);
      }
      const items = await ctx.agents.eventually(
        () => ctx.agents.history(agent.assetId, 5),
        (h) => h.length >= sent.length,
      );
      const findings: Finding[] = [];
      const stamps = items.map((i) => i.payload.timestamp);
      const want = sent.map((h) => h.timestamp);
      const missing = want.filter((t) => !stamps.includes(t));
      const doubled = stamps.filter((t, i) => stamps.indexOf(t) !== i);
      const extra = stamps.filter((t) => !want.includes(t));
      if (missing.length || doubled.length || extra.length) {
        findings.push({
          message: `history has ${items.length} of 12: ${missing.length} lost, ${doubled.length} doubled, ${extra.length} unknown`,
          received: JSON.stringify(stamps),
          expected: JSON.stringify([...want].reverse()),
        });
      } else if (JSON.stringify(stamps) !== JSON.stringify([...want].reverse())) {
        findings.push({ message: 'history is not newest first', received: JSON.stringify(stamps), expected: JSON.stringify([...want].reverse()) });
      }
      for (const item of items) {
        const original = sent.find((h) => h.timestamp === item.payload.timestamp);
        const diff = original && firstDifference(withoutRecoveryKeys(original), withoutRecoveryKeys(item.payload));
        if (diff) {
          findings.push({
            message: `stored heartbeat ${item.payload.timestamp} differs from what was sent at ${diff}`,
            received: JSON.stringify(item.payload).slice(0, 400),
            expected: 'the payload as sent',
          });
          break;
        }
      }
      return outcomeOf(findings, '12 sent, 12 stored, newest first, pages followed');
    },
  },
];
