import { limits, protocol, type HeartbeatRequest } from '@lanet/contracts';
import type { Exchange } from '../http/conformance-http.js';
import type { TestAgent } from './agent-fixtures.js';
import { outcomeOf, SkipCheck, type Check, type CheckContext, type Finding } from './check-types.js';
import { newRecoveryKey } from './escrow-checks.js';
import { expectStatus, findingFor, isSuccess } from './expect.js';
import { rejectedAt } from './hb-property-checks.js';

/** Where a spliced member goes: a marker member the JSON text has exactly once. */
const MARK = '"x_conformance_splice":0';

/** The heartbeat as JSON text with `members` (raw JSON text, e.g. duplicate or escaped names) spliced in at the marker. */
function spliced(hb: unknown, members: string): string {
  const text = JSON.stringify(hb);
  if (!text.includes(MARK)) throw new Error('spliced(): the heartbeat has no splice marker');
  return text.replace(MARK, members);
}

/** ESC-1's spellings: escaped member names, duplicates, and keys at several depths, each with its own fresh key. */
function escrowSpellings(): Array<{ label: string; duplicates: boolean; keys: string[]; place: (hb: any) => void; members: (k: string[]) => string }> {
  const vol = (hb: any) => {
    const v = hb.hardware_inventory.bitlocker.volumes[0];
    delete v.recovery_key;
    v.x_conformance_splice = 0;
  };
  const k = () => newRecoveryKey();
  return [
    {
      label: 'recovery\\u005fkey (an escaped member name) in the volume',
      duplicates: false,
      keys: [k()],
      place: vol,
      members: ([a]) => `"recovery\\u005fkey":"${a}"`,
    },
    {
      label: 'a fully escaped \\u0072\\u0065covery_key in the volume',
      duplicates: false,
      keys: [k()],
      place: vol,
      members: ([a]) => `"\\u0072\\u0065covery_key":"${a}"`,
    },
    {
      label: 'two recovery_key members in the volume',
      duplicates: true,
      keys: [k(), k()],
      place: vol,
      members: ([a, b]) => `"recovery_key":"${a}","recovery_key":"${b}"`,
    },
    {
      label: 'recovery\\u005fkey next to two recovery_key members in the volume',
      duplicates: true,
      keys: [k(), k(), k()],
      place: vol,
      members: ([a, b, c]) => `"recovery\\u005fkey":"${a}","recovery_key":"${b}","recovery_key":"${c}"`,
    },
    {
      label: 'recovery_key in an unknown object at the top level',
      duplicates: false,
      keys: [k()],
      place: (hb) => {
        hb.x_conformance_splice = 0;
      },
      members: ([a]) => `"x_backup":{"vault":[{"recovery_key":"${a}"}]}`,
    },
    {
      label: 'recovery\\u005fkey in an unknown object inside hardware_inventory',
      duplicates: false,
      keys: [k()],
      place: (hb) => {
        hb.hardware_inventory.x_conformance_splice = 0;
      },
      members: ([a]) => `"x_tpm":{"escrow":{"recovery\\u005fkey":"${a}"}}`,
    },
    {
      label: 'a duplicate bitlocker member whose first copy holds the key',
      duplicates: true,
      keys: [k()],
      place: (hb) => {
        hb.hardware_inventory = { x_conformance_splice: 0, ...hb.hardware_inventory };
      },
      members: ([a]) =>
        `"bitlocker":{"supported":true,"protected_volumes":1,"volumes":[{"drive_letter":"D:","protection_status":"Protected","recovery_key":"${a}"}]}`,
    },
  ];
}

/** Every fleet read of one agent (detail, history and, when it pages, the list filtered to its hostname). */
async function fleetReads(ctx: CheckContext, agent: TestAgent): Promise<Exchange[]> {
  const admin = ctx.settings.adminToken;
  return [
    await ctx.http.send({ method: 'GET', path: `/api/agents/${agent.assetId}`, bearer: admin }),
    await ctx.http.send({ method: 'GET', path: `/api/agents/${agent.assetId}/heartbeats`, bearer: admin }),
    await ctx.http.send({ method: 'GET', path: `/api/agents?q=${encodeURIComponent(agent.hostname)}`, bearer: admin, contractOwner: 'FLT-1' }),
  ];
}

/** A heartbeat padded with an unknown string field (HB-5 makes it valid) to exactly `bytes` of JSON. */
export function paddedHeartbeat(base: HeartbeatRequest, bytes: number): HeartbeatRequest {
  const hb = { ...base, x_conformance_padding: '' } as HeartbeatRequest & { x_conformance_padding: string };
  hb.x_conformance_padding = 'x'.repeat(Math.max(0, bytes - JSON.stringify(hb).length));
  return hb;
}

/** GEN-6's hard strings: legal in JSON text, refused by PostgreSQL jsonb; accepted, or 400 at their pointer. */
function hardStrings(): Array<{ label: string; pointer: string; edit: (hb: any) => void }> {
  return [
    {
      label: 'U+0000 inside the hostname',
      pointer: '/hardware_inventory/system/hostname',
      edit: (hb) => {
        hb.hardware_inventory.system.hostname = 'pc\u0000one';
      },
    },
    {
      label: 'a lone high surrogate as a program name',
      pointer: '/software_inventory/installed_programs/0/name',
      edit: (hb) => {
        hb.software_inventory.installed_programs[0].name = 'Office \ud800';
      },
    },
    {
      label: 'a lone low surrogate as a publisher',
      pointer: '/software_inventory/installed_programs/0/publisher',
      edit: (hb) => {
        hb.software_inventory.installed_programs[0].publisher = '\udfffMicrosoft';
      },
    },
    {
      label: 'U+0000 and a lone surrogate in an unknown field three levels down',
      pointer: '/hardware_inventory/x_extra/a/b',
      edit: (hb) => {
        hb.hardware_inventory.x_extra = { a: { b: '\u0000\udc00' } };
      },
    },
  ];
}

/** ESC-1 over spellings, GEN-6 over hard strings and big history pages. */
export const spellingChecks: Check[] = [
  {
    id: 'ESC-1',
    name: 'any-spelling',
    level: 'MUST',
    profile: 'escrow',
    needs: ['fleet'],
    description: 'a recovery_key spelled with escapes, duplicated, or at any depth is never returned by a fleet read (400 allowed for duplicate names)',
    run: async (ctx) => {
      ctx.agents.requireFleet('reading back what was stored');
      // The spellings are independent (one fresh agent each): sent side by side, findings in spelling order.
      const perSpelling = await Promise.all(
        escrowSpellings().map(async (s) => {
          const findings: Finding[] = [];
          const agent = await ctx.agents.fresh('esc1s');
          const hb = ctx.agents.heartbeat(agent) as any;
          s.place(hb);
          for (const key of s.keys) ctx.http.log.recoveryKeys.add(key);
          const body = spliced(hb, s.members(s.keys));
          const ex = await ctx.http.send({
            method: 'POST',
            path: '/api/agents/heartbeat',
            body,
            headers: { 'content-type': 'application/json' },
            bearer: agent.token,
          });
          const allowed = s.duplicates ? [200, 201, 202, 204, 400] : [200, 201, 202, 204];
          const f = expectStatus(ex, allowed, `a heartbeat with ${s.label}`);
          if (f)
            return [
              { ...f, expected: `${f.expected}${s.duplicates ? ' (400: duplicate member names, I-JSON)' : ': the JSON is valid and so is the heartbeat'}` },
            ];
          for (const read of await fleetReads(ctx, agent)) {
            const leaked = s.keys.filter((key) => read.bodyText.includes(key));
            // The request is the heartbeat (its exact bytes go to the payload file); the answer is the read that leaked.
            if (leaked.length)
              findings.push({
                ...findingFor(
                  read,
                  `after a heartbeat with ${s.label}, GET ${read.sent.path} returned ${leaked.length} of its ${s.keys.length} key${s.keys.length > 1 ? 's' : ''} in plain text`,
                  'no recovery key in any fleet read, however the JSON spelled it (ESC-1)',
                ),
                sent: ex.sent,
              });
          }
          return findings;
        }),
      );
      const findings = perSpelling.flat();
      return outcomeOf(findings, `${escrowSpellings().length} spellings (escaped names, duplicates, three depths): no key in detail, history or list`);
    },
  },
  {
    id: 'GEN-6',
    name: 'nul-and-surrogates',
    level: 'MUST',
    profile: 'core',
    description: 'valid heartbeats holding U+0000 or unpaired surrogates get 2xx, or 400 naming the field, never a 5xx',
    run: async (ctx) => {
      const findings: Finding[] = [];
      const agent = await ctx.agents.fresh('gen6s');
      for (const h of hardStrings()) {
        const hb = ctx.agents.heartbeat(agent);
        h.edit(hb);
        const ex = await ctx.agents.post(agent, hb);
        if (isSuccess(ex.status)) continue;
        const problem = ex.status === 400 ? rejectedAt(h.pointer, ex) : `got ${ex.status || 'no answer'}`;
        if (problem)
          findings.push(
            findingFor(ex, `${h.label}: ${problem}`, `2xx (stored, U+FFFD allowed), or 400 whose errors include { path: '${h.pointer}' }; never 5xx`),
          );
      }
      const health = await ctx.http.send({ method: 'GET', path: '/healthz' });
      if (health.status !== 200)
        findings.push(findingFor(health, 'after the hard strings GET /healthz no longer answers 200', 'HTTP 200: the server keeps serving'));
      return outcomeOf(findings, `${hardStrings().length} heartbeats with U+0000 / lone surrogates: accepted or refused at their pointer, no 5xx`);
    },
  },
  {
    id: 'GEN-6',
    name: 'large-history-page',
    level: 'MUST',
    profile: 'core',
    needs: ['fleet'],
    description: 'after near-limit heartbeats (and one with U+0000) the history reads back page by page at the largest limit, no 5xx, within 15 s',
    run: async (ctx) => {
      ctx.agents.requireFleet('reading the history');
      const agent = await ctx.agents.fresh('gen6h');
      // The largest body this target accepts, from the top of GEN-4's range down to its floor.
      let size = 0;
      for (const bytes of [protocol.bodyLimitMaxBytes - 64 * 1024, 1024 * 1024, protocol.bodyLimitMinBytes - 1024]) {
        const ex = await ctx.agents.post(agent, paddedHeartbeat(ctx.agents.heartbeat(agent), bytes));
        if (isSuccess(ex.status)) {
          size = bytes;
          break;
        }
      }
      if (size === 0) throw new SkipCheck(`precondition failed: no heartbeat of ${protocol.bodyLimitMinBytes - 1024} bytes was accepted (GEN-4 covers this)`);
      const stored = 2;
      for (let i = 1; i < stored; i++) await ctx.agents.accept(agent, paddedHeartbeat(ctx.agents.heartbeat(agent), size));
      const nul = ctx.agents.heartbeat(agent);
      nul.hardware_inventory!.system!.hostname = 'nul\u0000host';
      const nulEx = await ctx.agents.post(agent, nul);
      const want = stored + (isSuccess(nulEx.status) ? 1 : 0);
      const findings: Finding[] = [];
      let seen = 0;
      let cursor: string | null = null;
      for (let page = 0; page <= want; page++) {
        const query: string = `?limit=${limits.historyPageMax}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const ex = await ctx.http.send({ method: 'GET', path: `/api/agents/${agent.assetId}/heartbeats${query}`, bearer: ctx.settings.adminToken });
        if (ex.status !== 200 || ex.durationMs > protocol.agentTimeoutS * 1000) {
          findings.push(
            findingFor(
              ex,
              `page ${page + 1} of a history of ${want} heartbeats (${stored} of ${(size / 1024).toFixed(0)} KiB) answered ${ex.status || 'nothing'} after ${(ex.durationMs / 1000).toFixed(1)} s`,
              `200 within ${protocol.agentTimeoutS} s (a page may hold fewer items than limit when they are large)`,
            ),
          );
          break;
        }
        const body = ex.json as { items?: unknown[]; next_cursor?: string | null };
        seen += body.items?.length ?? 0;
        cursor = body.next_cursor ?? null;
        if (!cursor) break;
      }
      if (!findings.length && seen !== want)
        findings.push({ message: `following next_cursor gave ${seen} of ${want} stored heartbeats`, expected: `all ${want}` });
      return outcomeOf(
        findings,
        `${want} heartbeats (${stored} of ${(size / 1024).toFixed(0)} KiB) read back in pages at limit ${limits.historyPageMax}, no 5xx`,
      );
    },
  },
];
