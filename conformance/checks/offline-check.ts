import { FleetListSchema, validateMessage } from '@lanet/contracts';
import { sleep } from '../http/raw-socket.js';
import { seededRandom } from './gen-fuzz-check.js';
import { outcomeOf, skip, type Check, type CheckContext, type Finding } from './check-types.js';

/** Longest offline_after the check will wait out: it runs within the suite's time budget. */
const MAX_OFFLINE_AFTER_S = 20;

/** The target's offline_after: what the suite was told, else what the fleet list says (offline_after_s). */
async function offlineAfter(ctx: CheckContext): Promise<number | undefined> {
  if (ctx.settings.offlineAfterS !== undefined) return ctx.settings.offlineAfterS;
  const ex = await ctx.http.send({ method: 'GET', path: '/api/agents', bearer: ctx.settings.adminToken, contractOwner: 'FLT-1' });
  const list = validateMessage(FleetListSchema, ex.json);
  return list.ok ? list.value.offline_after_s : undefined;
}

/**
 * FLT-2, scaled: heartbeats every S/2 ± S/20 (the protocol's 300 s ± 30 s against 600 s) never flip the agent offline,
 * including two gaps at the extreme +S/20; once they stop it turns offline after S, and online again with the next one.
 */
export const offlineCheck: Check = {
  id: 'FLT-2',
  name: 'offline-after',
  level: 'MUST',
  profile: 'fleet',
  description: 'heartbeats at S/2 ± S/20 never flip offline; silence past S does; the next heartbeat brings it back',
  run: async (ctx) => {
    ctx.agents.requireFleet('offline detection');
    const s = await offlineAfter(ctx);
    if (s === undefined) return skip("offline_after unknown: pass --offline-after S (the target's threshold), or expose offline_after_s in GET /api/agents");
    if (s > MAX_OFFLINE_AFTER_S) return skip(`offline_after is ${s} s; start the target with a short one (≤ ${MAX_OFFLINE_AFTER_S} s, e.g. 2) for this check`);
    const random = seededRandom(ctx.settings.seed ^ 0xf172);
    const agent = await ctx.agents.fresh('flt2');
    const findings: Finding[] = [];
    // The server's receive time lies within [start, end] of the heartbeat request and its evaluation time within
    // [t0, t1] of the status read: a verdict is wrong only if it is wrong for every instant in those windows
    // (so a loaded machine or a slow commit never makes a false failure).
    let last = { start: 0, end: 0 };
    const beat = async () => {
      const start = performance.now();
      await ctx.agents.accept(agent, ctx.agents.heartbeat(agent));
      last = { start, end: performance.now() };
    };
    const read = async () => {
      const t0 = performance.now();
      const status = (await ctx.agents.detail(agent.assetId)).status;
      const t1 = performance.now();
      return { status, longestGapS: (t1 - last.start) / 1000, shortestGapS: (t0 - last.end) / 1000 };
    };
    await beat();
    // Gaps in units of S: the extremes first (deterministic), then seeded jitter.
    const gaps = [0.55, 0.45, 0.55, 0.45 + random() * 0.1];
    for (const [i, gap] of gaps.entries()) {
      await sleep(Math.max(0, last.end + gap * s * 1000 - performance.now()));
      const r = await read();
      if (r.status !== 'online' && r.longestGapS <= s)
        findings.push({
          message: `after a gap of at most ${r.longestGapS.toFixed(2)} s (target ${(gap * s).toFixed(2)} s = ${gap.toFixed(2)} × offline_after) the agent is ${r.status}`,
          received: `status ${r.status} before heartbeat ${i + 2}`,
          expected: `online: heartbeats every S/2 ± S/20 (S = ${s} s) never flip it`,
        });
      await beat();
    }
    await sleep(Math.max(0, last.end + 0.9 * s * 1000 - performance.now()));
    const early = await read();
    if (early.status !== 'online' && early.longestGapS <= s)
      findings.push({
        message: `at most ${early.longestGapS.toFixed(2)} s after the last heartbeat the agent is already ${early.status}`,
        received: `status ${early.status}`,
        expected: `online until ${s} s have passed`,
      });
    const graceS = s + Math.max(1, s / 2);
    let late = early;
    while (late.status !== 'offline' && late.shortestGapS <= graceS) {
      await sleep(100);
      late = await read();
    }
    const flippedAfter = late.shortestGapS;
    if (late.status !== 'offline')
      findings.push({
        message: `${late.shortestGapS.toFixed(1)} s after the last heartbeat the agent is still ${late.status}`,
        received: `status ${late.status}`,
        expected: `offline once no heartbeat arrived for more than ${s} s (allowed until ${graceS.toFixed(1)} s)`,
      });
    await beat();
    const back = await read();
    if (back.status !== 'online' && back.longestGapS <= s)
      findings.push({
        message: `after a new heartbeat the agent is ${back.status}`,
        received: `status ${back.status}`,
        expected: 'online again with the next heartbeat',
      });
    return outcomeOf(findings, `S = ${s} s: online through ${gaps.length} jittered gaps, offline ${flippedAfter.toFixed(1)} s after the last, online again`);
  },
};
