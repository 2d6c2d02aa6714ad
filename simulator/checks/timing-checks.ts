import type { FleetRunResult } from '../engine/fleet-runner.js';
import { AG1_WINDOW_S } from './attempt-stats.js';
import { check, type CheckResult } from './check-result.js';
import type { FleetWatcher } from './fleet-watcher.js';

/**
 * AG-1: each agent's grid sends (after its start-up send) are scheduled within ±30 s (protocol time) of
 * start + n × interval. The verdict is on the agent's schedule; how far the simulator's own lag moved the actual
 * sends is reported beside it (on a loaded machine 0.1 s of lag is 30 s of protocol time at --time-scale 300).
 */
export function scheduleCheck(run: FleetRunResult): CheckResult {
  const { measured, outside, worstS, laggedOut, worstSentS } = run.stats.schedule;
  return check(
    'AG-1',
    'fixed-rate sends within ±30 s of their slot',
    measured === 0 ? 'skip' : outside === 0,
    measured === 0
      ? 'no agent made a second scheduled send: run longer than one interval'
      : `${measured} scheduled sends, ${outside} scheduled outside ±${AG1_WINDOW_S} s, worst ${worstS.toFixed(1)} s off its slot; on the wire (with simulator lag x time scale) worst ${worstSentS.toFixed(1)} s, ${laggedOut} pushed outside by lag`,
  );
}

/**
 * FLT-2, judged on the server's own clock: every offline view must have a last_seen_at older than offline_after at
 * the poll (a beating agent, however jittery, is never offline), and every stopped agent must be shown offline
 * within two polls of offline_after passing since its last_seen_at. Loopback targets share the simulator's clock.
 */
export function livenessCheck(run: FleetRunResult, watcher: FleetWatcher, stopped: Set<number>, offlineAfterS: number, timeScale: number): CheckResult {
  if (watcher.polls === 0)
    return check(
      'FLT-2',
      'offline after offline_after, never while beating',
      false,
      `the fleet view could not be read: ${watcher.failures[0] ?? 'no poll finished'}`,
    );
  const offlineRealMs = (offlineAfterS * 1000) / timeScale;
  const toleranceMs = 100; // clock reading and rounding of last_seen_at
  const lateMs = 2 * watcher.everyMs + 300;
  let wronglyOffline = 0;
  let stoppedFlagged = 0;
  let stoppedJudged = 0;
  const problems: string[] = [];
  const runEndWallMs = watcher.lastPollEndWallMs;
  for (const agent of run.agents) {
    const digest = watcher.liveness.get(agent.assetId);
    // Offline at some moment s <= pollEnd means s - lastSeen > offline_after: a gap to the poll's return of
    // offline_after or less means the target called a beating agent offline.
    if (digest && digest.closestOfflineGapMs <= offlineRealMs - toleranceMs) {
      wronglyOffline++;
      if (problems.length < 3)
        problems.push(`${agent.identity.hostname} shown offline ${(digest.closestOfflineGapMs / 1000).toFixed(2)} s (real) after its last heartbeat`);
    }
    if (!stopped.has(agent.identity.index)) continue;
    const lastSeen = digest?.lastSeenWallMs ?? 0;
    if (lastSeen === 0) {
      // Stopped after its first beat, yet never in the fleet view with a last_seen_at: it cannot have been flagged.
      stoppedJudged++;
      if (problems.length < 3) problems.push(`${agent.identity.hostname} stopped but never appeared in the fleet view with a last_seen_at`);
      continue;
    }
    if (lastSeen + offlineRealMs + lateMs > runEndWallMs) continue; // the run ended too soon to judge
    stoppedJudged++;
    if (digest!.offlineSincePollStartWallMs <= lastSeen + offlineRealMs + lateMs) stoppedFlagged++;
    else if (problems.length < 3)
      problems.push(`${agent.identity.hostname} stopped but not shown offline within ${(lateMs / 1000).toFixed(1)} s (real) of offline_after`);
  }
  return check(
    'FLT-2',
    'offline after offline_after, never while beating',
    wronglyOffline === 0 && stoppedFlagged === stoppedJudged,
    `${watcher.polls} polls of the fleet view; ${wronglyOffline} agents shown offline less than offline_after after their last_seen_at; ${stoppedFlagged}/${stoppedJudged} stopped agents shown offline in time; offline_after ${offlineAfterS} s protocol time (${(offlineRealMs / 1000).toFixed(2)} s real)${problems.length ? `; ${problems.join('; ')}` : ''}`,
  );
}
