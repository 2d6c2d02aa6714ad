import type { FleetRunResult } from '../engine/fleet-runner.js';
import { OUTCOME } from '../metrics/attempt-log.js';
import { check, type CheckResult } from './check-result.js';
import type { FleetWatcher } from './fleet-watcher.js';

/** AG-1's window: the n-th heartbeat is sent within ±30 s of start + n × interval. */
const AG1_WINDOW_S = 30;

/**
 * AG-1: each agent's grid sends (after its start-up send) are scheduled within ±30 s (protocol time) of
 * start + n × interval. The verdict is on the agent's schedule; how far the simulator's own lag moved the actual
 * sends is reported beside it (on a loaded machine 0.1 s of lag is 30 s of protocol time at --time-scale 300).
 */
export function scheduleCheck(run: FleetRunResult): CheckResult {
  let measured = 0;
  let outside = 0;
  let worstS = 0;
  let laggedOut = 0;
  let worstSentS = 0;
  for (const rows of run.log.rowsByAgent().values()) {
    let anchor = Number.NaN;
    let interval = 0;
    for (const row of rows) {
      const reason = run.log.reasonOf(row);
      const sent = run.log.scheduledMs[row]!;
      const actual = run.log.sentMs[row]!;
      if (reason === 'startup') {
        anchor = sent;
        interval = run.log.intervalS[row]!;
        continue;
      }
      if (Number.isNaN(anchor) || (reason !== 'schedule' && reason !== 'after-reject')) continue;
      if (run.log.intervalS[row] !== interval) {
        anchor = sent; // HB-11 steering restarts the grid
        interval = run.log.intervalS[row]!;
        continue;
      }
      const n = Math.round((sent - anchor) / (interval * 1000));
      const offS = Math.abs(sent - anchor - n * interval * 1000) / 1000;
      const actualOffS = Math.abs(actual - anchor - n * interval * 1000) / 1000;
      measured++;
      worstS = Math.max(worstS, offS);
      worstSentS = Math.max(worstSentS, actualOffS);
      if (offS > AG1_WINDOW_S) outside++;
      else if (actualOffS > AG1_WINDOW_S) laggedOut++;
    }
  }
  return check(
    'AG-1',
    'fixed-rate sends within ±30 s of their slot',
    'must',
    measured === 0 ? 'skip' : outside === 0,
    measured === 0
      ? 'no agent made a second scheduled send: run longer than one interval'
      : `${measured} scheduled sends, ${outside} scheduled outside ±${AG1_WINDOW_S} s, worst ${worstS.toFixed(1)} s off its slot; on the wire (with simulator lag x time scale) worst ${worstSentS.toFixed(1)} s, ${laggedOut} pushed outside by lag`,
  );
}

/**
 * FLT-2: the fleet view never flagged a beating (jittering) agent offline after its first heartbeat, and did flag
 * every stopped agent offline once `offline_after` had passed since its last accepted heartbeat (not before).
 */
export function livenessCheck(run: FleetRunResult, watcher: FleetWatcher, stopped: Set<number>, offlineAfterS: number, timeScale: number): CheckResult {
  if (watcher.polls === 0) return check('FLT-2', 'offline after offline_after, never while beating', 'must', false, `the fleet view could not be read: ${watcher.failures[0] ?? 'no poll finished'}`);
  // A flag can show up to two polls late (the poll in flight, then the next), plus 300 real ms of lag.
  const pollSlackMs = (2 * watcher.everyMs + 300) * timeScale;
  const earlyToleranceMs = 300 * timeScale;
  const lastAccepted = new Map<number, number>();
  const firstAccepted = new Map<number, number>();
  const acceptedRows = new Map<number, number[]>();
  for (let row = 0; row < run.log.length; row++) {
    if (run.log.outcome[row] !== OUTCOME.accepted) continue;
    const a = run.log.agent[row]!;
    lastAccepted.set(a, Math.max(lastAccepted.get(a) ?? 0, run.log.doneMs[row]!));
    if (!firstAccepted.has(a)) firstAccepted.set(a, run.log.doneMs[row]!);
    let rows = acceptedRows.get(a);
    if (!rows) acceptedRows.set(a, (rows = []));
    rows.push(row);
  }
  const offlineMs = offlineAfterS * 1000;
  // An offline view seen by a poll at `p` is wrong when a heartbeat was accepted (answer in before `p`) that left
  // the simulator less than offline_after before `p`: the server received it after it left, so within the window.
  const wronglyOffline = (agent: number, p: number): boolean =>
    (acceptedRows.get(agent) ?? []).some((row) => run.log.doneMs[row]! <= p - earlyToleranceMs && run.log.sentMs[row]! >= p - offlineMs + earlyToleranceMs);
  let flappedBeating = 0;
  let stoppedFlagged = 0;
  let stoppedEarly = 0;
  let stoppedJudged = 0;
  const problems: string[] = [];
  for (const agent of run.agents) {
    const changes = watcher.changes.get(agent.assetId) ?? [];
    const first = firstAccepted.get(agent.identity.index);
    if (first === undefined) continue;
    if (stopped.has(agent.identity.index)) {
      const last = lastAccepted.get(agent.identity.index)!;
      const due = last + offlineAfterS * 1000;
      if (due + pollSlackMs > run.endVirtualMs) continue; // the run ended before the target could be expected to flag it
      stoppedJudged++;
      const offline = changes.find((c) => c.status === 'offline' && c.atMs > first);
      if (offline && offline.atMs >= due - earlyToleranceMs && offline.atMs <= due + pollSlackMs) stoppedFlagged++;
      else if (offline) {
        stoppedEarly++;
        if (problems.length < 3) problems.push(`${agent.identity.hostname} flagged offline ${((due - offline.atMs) / 1000).toFixed(0)} s before offline_after passed`);
      } else if (problems.length < 3) problems.push(`${agent.identity.hostname} stopped but not shown offline within ${(pollSlackMs / 1000).toFixed(0)} s of offline_after`);
    } else {
      // Each offline stretch is seen at its first poll and at the last poll before it ends.
      const everyMs = watcher.everyMs * timeScale;
      const wrong = changes.some((c, k) => {
        if (c.status !== 'offline') return false;
        const end = changes[k + 1]?.atMs ?? run.endVirtualMs;
        const polls = [c.atMs, ...(end - 1.5 * everyMs > c.atMs ? [end - 1.5 * everyMs] : [])];
        return polls.some((p) => wronglyOffline(agent.identity.index, p));
      });
      if (wrong) {
        flappedBeating++;
        if (problems.length < 3) problems.push(`${agent.identity.hostname} shown offline though a heartbeat was accepted within offline_after`);
      }
    }
  }
  const ok = flappedBeating === 0 && stoppedFlagged === stoppedJudged;
  return check(
    'FLT-2',
    'offline after offline_after, never while beating',
    'must',
    ok,
    `${watcher.polls} polls of the fleet view; ${flappedBeating} agents shown offline within offline_after of an accepted heartbeat; ${stoppedFlagged}/${stoppedJudged} stopped agents shown offline in time (${stoppedEarly} too early); offline_after ${offlineAfterS} s protocol time${problems.length ? `; ${problems.join('; ')}` : ''}`,
  );
}
