import { HeartbeatResponseSchema, limits, seedHeartbeat, seedSizedHeartbeat, validateMessage, type HeartbeatRequest } from '@lanet/contracts';
import { describeResponse } from '../http/conformance-http.js';
import type { Exchange } from '../http/conformance-http.js';
import { uniqueTimestamp, type TestAgent } from './agent-fixtures.js';
import { outcomeOf, SkipCheck, type Check, type CheckContext, type Finding } from './check-types.js';
import { expectStatus, findingFor, isSuccess } from './expect.js';
import { rejectedAt } from './hb-property-checks.js';

/** Fixed HB-3 cases from the requirement's list, independent of the generators. */
function fixedMutations(base: () => HeartbeatRequest): Array<{ label: string; pointer: string; payload: unknown }> {
  const m = (label: string, pointer: string, edit: (hb: any) => void) => {
    const hb = base() as any;
    edit(hb);
    return { label, pointer, payload: hb };
  };
  return [
    m('cpu_usage 150', '/status/cpu_usage', (hb) => {
      hb.status.cpu_usage = 150;
    }),
    m('memory usage_percent -1', '/hardware_inventory/memory/usage_percent', (hb) => {
      hb.hardware_inventory.memory.usage_percent = -1;
    }),
    m('negative disk size', '/hardware_inventory/disk/total_gb', (hb) => {
      hb.hardware_inventory.disk.total_gb = -5;
    }),
    m('missing timestamp', '/timestamp', (hb) => {
      delete hb.timestamp;
    }),
    m('missing hostname', '/hardware_inventory/system/hostname', (hb) => {
      delete hb.hardware_inventory.system.hostname;
    }),
    m('cpu_usage as a string', '/status/cpu_usage', (hb) => {
      hb.status.cpu_usage = '15.2';
    }),
    m('malformed asset_id', '/asset_id', (hb) => {
      hb.asset_id = 'uuid-string';
    }),
    m('impossible date', '/timestamp', (hb) => {
      hb.timestamp = '2025-02-30T12:00:00';
    }),
    m('hostname past its limit', '/hardware_inventory/system/hostname', (hb) => {
      hb.hardware_inventory.system.hostname = 'h'.repeat(limits.hostnameMax + 1);
    }),
    m('too many disks', '/hardware_inventory/disks', (hb) => {
      hb.hardware_inventory.disks = Array.from({ length: limits.disksMax + 1 }, () => hb.hardware_inventory.disks[0]);
    }),
    m('unknown disk health', '/hardware_inventory/disks/0/health_status', (hb) => {
      hb.hardware_inventory.disks[0].health_status = 'Great';
    }),
    m('heartbeat_type not full/partial', '/heartbeat_type', (hb) => {
      hb.heartbeat_type = 'delta';
    }),
    // A missing member's pointer names the member itself, not its parent (HB-3), at every depth.
    m('missing asset_id', '/asset_id', (hb) => {
      delete hb.asset_id;
    }),
    m('missing heartbeat_type', '/heartbeat_type', (hb) => {
      delete hb.heartbeat_type;
    }),
    m('missing cpu_usage', '/status/cpu_usage', (hb) => {
      delete hb.status.cpu_usage;
    }),
    m('missing memory total_gb', '/hardware_inventory/memory/total_gb', (hb) => {
      delete hb.hardware_inventory.memory.total_gb;
    }),
    m('missing drive_letter of a BitLocker volume', '/hardware_inventory/bitlocker/volumes/0/drive_letter', (hb) => {
      delete hb.hardware_inventory.bitlocker.volumes[0].drive_letter;
    }),
    m('missing name of a program', '/software_inventory/installed_programs/0/name', (hb) => {
      delete hb.software_inventory.installed_programs[0].name;
    }),
  ];
}

/** HB-6: the naive form the deployed agent sends, Z, and an explicit offset, all of the current instant. */
function timestampForms(): Array<readonly [string, string]> {
  const now = new Date();
  const iso = now.toISOString();
  const plus0530 = new Date(now.getTime() + 5.5 * 3600_000).toISOString().replace('Z', '+05:30');
  return [
    ['naive', iso.replace('Z', '123')],
    ['Z', iso],
    ['+05:30', plus0530],
  ];
}

/** HB-8: an agent clock one hour behind and one day ahead. */
const SKEWS_S = [-3600, 86_400] as const;

/** HB-7: five copies of one heartbeat (two in sequence, three at once), then one Idempotency-Key over two timestamps. */
async function sendRetries(ctx: CheckContext, agent: TestAgent): Promise<{ findings: Finding[]; want: string[]; first: Exchange }> {
  const findings: Finding[] = [];
  const a = ctx.agents.heartbeat(agent);
  const sends = [await ctx.agents.post(agent, a), await ctx.agents.post(agent, a), ...(await Promise.all([1, 2, 3].map(() => ctx.agents.post(agent, a))))];
  for (const [i, ex] of sends.entries()) {
    const f = expectStatus(ex, [200, 201, 202, 204], `copy ${i + 1} of the same heartbeat (same asset_id and timestamp)`);
    if (f) findings.push(f);
  }
  const key = `conformance-${a.timestamp}`;
  const b = ctx.agents.heartbeat(agent);
  // The same key marks a retry even when the agent re-collected in between (a new timestamp): stored once.
  const bAgain = { ...b, timestamp: uniqueTimestamp() };
  const keyed = [await ctx.agents.post(agent, b, { 'idempotency-key': key }), await ctx.agents.post(agent, bAgain, { 'idempotency-key': key })];
  for (const [i, ex] of keyed.entries()) {
    const f = expectStatus(ex, [200, 201, 202, 204], `${i === 0 ? 'a heartbeat' : 'its retry with a new timestamp'} with Idempotency-Key ${key}`);
    if (f) findings.push(f);
  }
  return { findings, want: [a.timestamp, b.timestamp].sort(), first: sends[0]! };
}

/** Example-based HB checks: the seed payload, fixed mutations, partial and skew read-back, retries, durability. */
export const hbChecks: Check[] = [
  {
    id: 'HB-1',
    name: 'seed-example',
    level: 'MUST',
    profile: 'core',
    description: "the seed guide's example payload (real asset_id) gets 200 { status: ok, received_at, next_heartbeat_in_s }",
    run: async (ctx) => {
      const agent = await ctx.agents.fresh('hb1');
      const findings: Finding[] = [];
      const guide = { ...seedHeartbeat(), asset_id: agent.assetId };
      const sized = { ...seedSizedHeartbeat(), asset_id: agent.assetId, timestamp: uniqueTimestamp() };
      for (const [label, hb] of [
        ["the guide's example", guide],
        ['the seed-sized (~6.7 KB) example', sized],
      ] as const) {
        const ex = await ctx.agents.post(agent, hb);
        const f = expectStatus(ex, [200], label);
        if (f) findings.push(f);
        else if (!validateMessage(HeartbeatResponseSchema, ex.json).ok)
          findings.push(findingFor(ex, `${label}: the 200 body is not a heartbeat answer`, '{ status: "ok", received_at, next_heartbeat_in_s }'));
      }
      return outcomeOf(findings, "the guide's example and the seed-sized payload got 200");
    },
  },
  {
    id: 'HB-3',
    name: 'listed-mutations',
    level: 'MUST',
    profile: 'core',
    description: 'the listed invalid cases (range, type, missing, format, limits) get 400 at the right JSON Pointer',
    run: async (ctx) => {
      const agent = await ctx.agents.fresh('hb3f');
      const findings: Finding[] = [];
      for (const { label, pointer, payload } of fixedMutations(() => ctx.agents.heartbeat(agent))) {
        const ex = await ctx.agents.post(agent, payload);
        const problem = ex.contractErrors.length ? undefined : rejectedAt(pointer, ex);
        if (problem) findings.push(findingFor(ex, `${label}: ${problem}`, `400 with errors including { path: '${pointer}' }`));
      }
      return outcomeOf(
        findings,
        `${fixedMutations(() => ctx.agents.heartbeat(agent)).length} listed invalid payloads (missing members named themselves) got 400 at the right pointer`,
      );
    },
  },
  {
    id: 'HB-4',
    name: 'stored-as-partial',
    level: 'MUST',
    profile: 'core',
    needs: ['fleet'],
    description: 'a partial heartbeat is accepted and the fleet view marks the agent partial (a full one is not)',
    run: async (ctx) => {
      ctx.agents.requireFleet('reading back the partial flag');
      const findings: Finding[] = [];
      for (const partial of [true, false]) {
        const agent = await ctx.agents.fresh(partial ? 'hb4p' : 'hb4f');
        const hb = ctx.agents.heartbeat(agent);
        if (partial) {
          delete hb.hardware_inventory!.bitlocker;
          delete hb.software_inventory;
          hb.heartbeat_type = 'partial';
          hb.collection_errors = [
            { collector: 'bitlocker', error: 'Get-BitLockerVolume timed out after 10 s' },
            { collector: 'installed_programs', error: 'Access is denied.' },
          ];
        }
        const ex = await ctx.agents.post(agent, hb);
        if (!isSuccess(ex.status)) {
          findings.push(expectStatus(ex, [200], partial ? 'a partial heartbeat' : 'a full heartbeat')!);
          continue;
        }
        const detail = await ctx.agents.eventually(
          () => ctx.agents.detail(agent.assetId),
          (d) => d.latest_heartbeat !== null,
        );
        if (detail.partial !== partial)
          findings.push({
            message: `after a ${partial ? 'partial' : 'full'} heartbeat the fleet view says partial: ${detail.partial}`,
            sent: ex.sent,
            received: JSON.stringify({ partial: detail.partial }),
            expected: `partial: ${partial}`,
          });
      }
      return outcomeOf(findings, 'partial heartbeat accepted and flagged partial; full one not');
    },
  },
  {
    id: 'HB-5',
    name: 'unknown-fields',
    level: 'MUST',
    profile: 'core',
    description: 'unknown fields at every depth are accepted',
    run: async (ctx) => {
      const agent = await ctx.agents.fresh('hb5f');
      const hb = ctx.agents.heartbeat(agent) as any;
      hb.x_new_top_level = { nested: [1, { deeper: true }] };
      hb.status.gpu_usage = 12;
      hb.hardware_inventory.x_tpm = { version: '2.0' };
      hb.hardware_inventory.disks[0].temperature_c = 41;
      hb.hardware_inventory.bitlocker.volumes[0].x_tpm = true;
      hb.software_inventory.installed_programs[0].install_date = '20240101';
      hb.collection_errors = [{ collector: 'gpu', error: 'no GPU', x_code: 7 }];
      const ex = await ctx.agents.post(agent, hb);
      const f = expectStatus(ex, [200, 201, 202, 204], 'a heartbeat with unknown fields at six depths');
      return outcomeOf(f ? [f] : [], 'unknown fields at every depth accepted');
    },
  },
  {
    id: 'HB-6',
    name: 'naive-timestamps',
    level: 'MUST',
    profile: 'core',
    description: 'naive (no offset), Z and +hh:mm timestamps are accepted',
    run: async (ctx) => {
      const findings: Finding[] = [];
      for (const [label, timestamp] of timestampForms()) {
        const agent = await ctx.agents.fresh('hb6');
        const ex = await ctx.agents.post(agent, { ...ctx.agents.heartbeat(agent), timestamp });
        const f = expectStatus(ex, [200, 201, 202, 204], `a heartbeat with a ${label} timestamp (${timestamp})`);
        if (f) findings.push(f);
      }
      return outcomeOf(findings, 'naive, Z and offset timestamps accepted');
    },
  },
  {
    id: 'HB-6',
    name: 'naive-read-as-utc',
    level: 'MUST',
    profile: 'core',
    needs: ['fleet'],
    description: 'a naive timestamp of the current UTC time is read as UTC (the fleet view shows a skew of about 0)',
    run: async (ctx) => {
      ctx.agents.requireFleet('reading the recorded skew');
      const findings: Finding[] = [];
      for (const [label, timestamp] of timestampForms()) {
        const agent = await ctx.agents.fresh('hb6r');
        const ex = await ctx.agents.accept(agent, { ...ctx.agents.heartbeat(agent), timestamp });
        const detail = await ctx.agents.eventually(
          () => ctx.agents.detail(agent.assetId),
          (d) => d.clock_skew_s !== null,
        );
        if (detail.clock_skew_s === null || Math.abs(detail.clock_skew_s) > 120) {
          findings.push({
            message: `a ${label} timestamp of the current UTC time was recorded with clock_skew_s ${detail.clock_skew_s}`,
            sent: ex.sent,
            received: JSON.stringify({ clock_skew_s: detail.clock_skew_s }),
            expected: 'clock_skew_s within ±120 s: the timestamp is now, read as UTC',
          });
        }
      }
      return outcomeOf(findings, 'naive, Z and offset timestamps each read as the same instant');
    },
  },
  {
    id: 'HB-7',
    name: 'retries-answered',
    level: 'MUST',
    profile: 'core',
    description: 'a retried heartbeat (same asset_id and timestamp, or same Idempotency-Key) gets 200 again',
    run: async (ctx) => {
      const agent = await ctx.agents.fresh('hb7');
      const { findings } = await sendRetries(ctx, agent);
      return outcomeOf(findings, '5 copies and 2 sends under one Idempotency-Key all got 2xx (stored once: HB-7/stored-once)');
    },
  },
  {
    id: 'HB-7',
    name: 'stored-once',
    level: 'MUST',
    profile: 'core',
    needs: ['fleet'],
    description: 'retried heartbeats (same asset_id and timestamp, or same Idempotency-Key) are stored once',
    run: async (ctx) => {
      ctx.agents.requireFleet('reading back the history');
      const agent = await ctx.agents.fresh('hb7s');
      const { findings, want, first } = await sendRetries(ctx, agent);
      if (findings.length) throw new SkipCheck(`precondition failed: a retry was not accepted (HB-7/retries-answered covers this): ${findings[0]!.message}`);
      const items = await ctx.agents.eventually(
        () => ctx.agents.history(agent.assetId),
        (h) => h.length >= 2,
      );
      const stamps = items.map((i) => i.payload.timestamp).sort();
      if (JSON.stringify(stamps) !== JSON.stringify(want)) {
        findings.push({
          message: `5 copies of one heartbeat and 2 sends under one Idempotency-Key were stored as ${items.length}: timestamps ${JSON.stringify(stamps)}`,
          sent: first.sent,
          received: `history of ${items.length} items`,
          expected: `exactly 2 stored heartbeats: ${JSON.stringify(want)}`,
        });
      }
      return outcomeOf(findings, 'retries stored once (history read back)');
    },
  },
  {
    id: 'HB-8',
    name: 'skewed-clocks-accepted',
    level: 'MUST',
    profile: 'core',
    description: 'an agent clock 1 h behind or 1 day ahead is accepted, not rejected',
    run: async (ctx) => {
      const findings: Finding[] = [];
      for (const skewS of SKEWS_S) {
        const agent = await ctx.agents.fresh('hb8');
        const ex = await ctx.agents.post(agent, { ...ctx.agents.heartbeat(agent), timestamp: new Date(Date.now() + skewS * 1000).toISOString() });
        const f = expectStatus(ex, [200, 201, 202, 204], `a heartbeat whose clock is ${skewS} s off`);
        if (f) findings.push(f);
      }
      return outcomeOf(findings, 'clocks 1 h behind and 1 day ahead accepted');
    },
  },
  {
    id: 'HB-8',
    name: 'skew-visible',
    level: 'MUST',
    profile: 'core',
    needs: ['fleet'],
    description: 'liveness uses the receive time and the skew is recorded and flagged in the fleet view',
    run: async (ctx) => {
      ctx.agents.requireFleet('reading liveness and skew');
      const findings: Finding[] = [];
      for (const skewS of SKEWS_S) {
        const agent = await ctx.agents.fresh('hb8v');
        const ex = await ctx.agents.accept(agent, { ...ctx.agents.heartbeat(agent), timestamp: new Date(Date.now() + skewS * 1000).toISOString() });
        const d = await ctx.agents.eventually(
          () => ctx.agents.detail(agent.assetId),
          (x) => x.last_seen_at !== null,
        );
        const lastSeenAge = d.last_seen_at ? Math.abs(Date.now() - Date.parse(d.last_seen_at)) / 1000 : Infinity;
        const problems: string[] = [];
        if (lastSeenAge > 60) problems.push(`last_seen_at ${d.last_seen_at} (not the receive time)`);
        if (d.status !== 'online') problems.push(`status ${d.status}`);
        if (d.clock_skew_s === null || Math.abs(d.clock_skew_s - skewS) > 120) problems.push(`clock_skew_s ${d.clock_skew_s}`);
        if (d.clock_skew_flagged === false) problems.push('clock_skew_flagged false');
        if (problems.length)
          findings.push({
            message: `agent clock ${skewS} s off: ${problems.join(', ')}`,
            sent: ex.sent,
            received: JSON.stringify({
              status: d.status,
              last_seen_at: d.last_seen_at,
              clock_skew_s: d.clock_skew_s,
              clock_skew_flagged: d.clock_skew_flagged,
            }),
            expected: `status online, last_seen_at ≈ now (the receive time), clock_skew_s ≈ ${skewS} (±120), clock_skew_flagged not false`,
          });
      }
      return outcomeOf(findings, 'liveness by receive time, skew recorded and flagged');
    },
  },
  {
    id: 'HB-9',
    name: 'committed-before-200',
    level: 'MUST',
    profile: 'core',
    needs: ['fleet'],
    description: 'right after the 200 (no waiting) the heartbeat is readable: it was committed before the answer',
    run: async (ctx) => {
      ctx.agents.requireFleet('checking the commit before the 200');
      const agent = await ctx.agents.fresh('hb9');
      const hb = ctx.agents.heartbeat(agent);
      const ex = await ctx.agents.accept(agent, hb);
      const read = await ctx.agents.detailExchange(agent.assetId);
      const seen = (read.json as { latest_heartbeat?: { timestamp?: string } } | undefined)?.latest_heartbeat?.timestamp;
      if (read.status !== 200 || seen !== hb.timestamp) {
        return outcomeOf(
          [
            {
              message: `immediately after the 200 the agent's latest heartbeat is ${seen ?? 'absent'}`,
              sent: ex.sent,
              received: describeResponse(read),
              expected: `latest_heartbeat.timestamp ${hb.timestamp}: a 200 only after the commit`,
            },
          ],
          '',
        );
      }
      return outcomeOf([], 'readable immediately after the 200 (a crash after the 200 cannot be tested over HTTP)');
    },
  },
  {
    id: 'HB-10',
    name: 'burst',
    level: 'SHOULD',
    profile: 'core',
    description: '64 concurrent heartbeats from one agent each get 2xx, or 429/503 with Retry-After, within 15 s',
    run: async (ctx) => {
      const agent = await ctx.agents.fresh('hb10');
      const sends = await Promise.all(Array.from({ length: 64 }, () => ctx.agents.post(agent, ctx.agents.heartbeat(agent))));
      const findings: Finding[] = [];
      for (const ex of sends) {
        if (isSuccess(ex.status)) continue;
        if ((ex.status === 429 || ex.status === 503) && /^\d+$/.test(ex.headers['retry-after'] ?? '')) continue;
        findings.push(
          findingFor(
            ex,
            `a burst heartbeat got ${ex.status || 'no answer'}${ex.status === 429 || ex.status === 503 ? ' without Retry-After seconds' : ''}`,
            '2xx, or 429/503 with Retry-After: <seconds>',
          ),
        );
      }
      const shed = sends.filter((ex) => ex.status === 429 || ex.status === 503).length;
      return outcomeOf(findings, `64 concurrent: ${64 - shed} accepted, ${shed} shed with Retry-After`);
    },
  },
  {
    id: 'HB-10',
    name: 'retry-after',
    level: 'SHOULD',
    profile: 'core',
    phase: 'after',
    description: 'every 429 or 503 of the whole run carried Retry-After seconds',
    run: async (ctx) => {
      const shed = ctx.allExchanges().filter((ex) => ex.status === 429 || (ex.status === 503 && ex.sent.path !== '/readyz'));
      if (shed.length === 0) throw new SkipCheck('the target answered no 429 or 503 in this run: no Retry-After to check');
      const findings = shed
        .filter((ex) => !/^\d+$/.test(ex.headers['retry-after'] ?? ''))
        .map((ex) => findingFor(ex, `${ex.status} without Retry-After seconds`, 'Retry-After: <seconds>'));
      return outcomeOf(findings, `${shed.length} overload answers, all with Retry-After`);
    },
  },
  {
    id: 'HB-11',
    name: 'interval',
    level: 'SHOULD',
    profile: 'core',
    description: 'next_heartbeat_in_s is an integer in 60..3600 (heartbeat_interval_s is held to the same by the contract)',
    run: async (ctx) => {
      const agent = await ctx.agents.fresh('hb11');
      const ex = await ctx.agents.accept(agent, ctx.agents.heartbeat(agent));
      const next = (ex.json as { next_heartbeat_in_s?: unknown }).next_heartbeat_in_s;
      const ok = Number.isInteger(next) && (next as number) >= limits.minHeartbeatIntervalS && (next as number) <= limits.maxHeartbeatIntervalS;
      return outcomeOf(
        ok ? [] : [findingFor(ex, `next_heartbeat_in_s is ${JSON.stringify(next)}`, 'an integer 60..3600')],
        `next_heartbeat_in_s ${String(next)}`,
      );
    },
  },
];
