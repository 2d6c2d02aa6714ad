import { FleetListSchema, validateMessage } from '../../contracts/index.js';
import { sleep } from '../http/raw-socket.js';
import { seededRandom } from './gen-fuzz-check.js';
import { outcomeOf, skip, type Check, type CheckContext, type Finding } from './check-types.js';

/** Longest offline_after the check will wait out: it runs within the suite's time budget. */
const MAX_OFFLINE_AFTER_S = 20;

/** The target's offline_after: what the suite was told, else what the fleet list says (offline_after_s). */
async function offlineAfter(ctx: CheckContext): Promise<number | undefined> {
  if (ctx.settings.offlineAfterS !== undefined) return ctx.settings.offlineAfterS;
  const ex = await ctx.http.send({ method: 'GET', path: '/api/agents', bearer: ctx.settings.adminToken });
  const list = validateMessage(FleetListSchema, ex.json);
  return list.ok ? list.value.offline_after_s : undefined;
}

/**
 * FLT-2, scaled: heartbeats every S/2 ± S/20 (the protocol's 300 s ± 30 s against 600 s) never flip the agent offline,
 * including two gaps at the extreme +S/20; once they stop it turns offline after S, and online again with the next one.
 */
export const offlineCheck: Check = {
  id: 'FLT-2', name: 'offline-after', level: 'MUST', profile: 'fleet',
  description: 'heartbeats at S/2 ± S/20 never flip offline; silence past S does; the next heartbeat brings it back',
  run: async (ctx) => {
    ctx.agents.requireFleet('offline detection');
    const s = await offlineAfter(ctx);
    if (s === undefined) return skip('offline_after unknown: pass --offline-after S (the target\'s threshold), or expose offline_after_s in GET /api/agents');
    if (s > MAX_OFFLINE_AFTER_S) return skip(`offline_after is ${s} s; start the target with a short one (≤ ${MAX_OFFLINE_AFTER_S} s, e.g. 2) for this check`);
    const random = seededRandom(ctx.settings.seed ^ 0xf172);
    const agent = await ctx.agents.fresh('flt2');
    const findings: Finding[] = [];
    const statusNow = async () => (await ctx.agents.detail(agent.assetId)).status;
    await ctx.agents.accept(agent, ctx.agents.heartbeat(agent));
    // Gaps in units of S: the extremes first (deterministic), then seeded jitter.
    const gaps = [0.55, 0.45, 0.55, 0.45 + random() * 0.1];
    for (const [i, gap] of gaps.entries()) {
      await sleep(gap * s * 1000);
      const status = await statusNow();
      if (status !== 'online') findings.push({ message: `after a gap of ${(gap * s).toFixed(2)} s (${gap.toFixed(2)} × offline_after) the agent is ${status}`, received: `status ${status} before heartbeat ${i + 2}`, expected: `online: heartbeats every S/2 ± S/20 (S = ${s} s) never flip it` });
      await ctx.agents.accept(agent, ctx.agents.heartbeat(agent));
    }
    const lastSent = performance.now();
    await sleep(0.9 * s * 1000);
    const early = await statusNow();
    if (early !== 'online') findings.push({ message: `${(0.9 * s).toFixed(2)} s after the last heartbeat the agent is already ${early}`, received: `status ${early}`, expected: `online until ${s} s have passed` });
    const deadline = lastSent + (s + Math.max(1, s / 2)) * 1000;
    let late = early;
    while (late !== 'offline' && performance.now() < deadline) {
      await sleep(100);
      late = await statusNow();
    }
    const flippedAfter = (performance.now() - lastSent) / 1000;
    if (late !== 'offline') findings.push({ message: `${flippedAfter.toFixed(1)} s after the last heartbeat the agent is still ${late}`, received: `status ${late}`, expected: `offline once no heartbeat arrived for more than ${s} s` });
    await ctx.agents.accept(agent, ctx.agents.heartbeat(agent));
    const back = await statusNow();
    if (back !== 'online') findings.push({ message: `after a new heartbeat the agent is ${back}`, received: `status ${back}`, expected: 'online again with the next heartbeat' });
    return outcomeOf(findings, `S = ${s} s: online through ${gaps.length} jittered gaps, offline ${flippedAfter.toFixed(1)} s after the last, online again`);
  },
};
