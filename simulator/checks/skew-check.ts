import type { FleetRunResult } from '../engine/fleet-runner.js';
import type { AgentClock } from '../engine/agent-clock.js';
import { check, type CheckResult } from './check-result.js';
import type { FleetWatcher } from './fleet-watcher.js';

/** HB-8's threshold: a skew over 5 minutes is recorded and visible in the fleet view. */
const SKEW_FLAG_S = 300;

/**
 * HB-8 (and HB-6): agents with skewed clocks or naive timestamps were all accepted, liveness ignored their clocks,
 * and the fleet view shows the skew: flagged beyond 5 minutes, not flagged within.
 */
export function clockSkewCheck(run: FleetRunResult, watcher: FleetWatcher, clockOf: (agent: number) => AgentClock | undefined): CheckResult {
  // The server stamps its receive time when the request arrives, up to one request latency after the agent
  // stamped the body: the measured skew may trail the true one by the slowest answer of that agent.
  let judged = 0;
  let wrong = 0;
  const problems: string[] = [];
  const rejected = run.tally.validRejected;
  for (const [i, agent] of run.agents.entries()) {
    const clock = clockOf(agent.identity.index);
    const seen = watcher.liveness.get(agent.assetId);
    if (!clock || !seen || seen.clockSkewS === null) continue;
    judged++;
    const expectFlag = Math.abs(clock.skewMs) / 1000 > SKEW_FLAG_S + 5;
    const expectClear = Math.abs(clock.skewMs) / 1000 < SKEW_FLAG_S - 5;
    const flagged = seen.clockSkewFlagged ?? Math.abs(seen.clockSkewS) > SKEW_FLAG_S;
    const skewOff = Math.abs(seen.clockSkewS - clock.skewMs / 1000);
    if ((expectFlag && !flagged) || (expectClear && flagged) || skewOff > 1 + run.stats.slowestAnswerS[i]!) {
      wrong++;
      if (problems.length < 3)
        problems.push(
          `${agent.identity.hostname}: skew ${(clock.skewMs / 1000).toFixed(0)} s${clock.naive ? ' (naive timestamp)' : ''}, fleet view ${seen.clockSkewS} s flagged=${flagged}`,
        );
    }
    if (seen.status === 'offline' && !agent.stopped) {
      wrong++;
      if (problems.length < 3) problems.push(`${agent.identity.hostname}: skewed clock made it look offline`);
    }
  }
  return check(
    'HB-8',
    'clock skew recorded and flagged, never rejected',
    judged === 0 ? 'skip' : wrong === 0 && rejected === 0,
    judged === 0
      ? 'the fleet view showed no skew for any skewed agent: is clock_skew_s implemented?'
      : `${judged} skewed agents judged, ${wrong} shown wrong, ${rejected} valid heartbeats rejected${problems.length ? `; ${problems.join('; ')}` : ''}`,
  );
}
