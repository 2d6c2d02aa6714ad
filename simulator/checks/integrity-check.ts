import { timestampMs } from '../engine/agent-clock.js';
import type { FleetRunResult, VirtualAgent } from '../engine/fleet-runner.js';
import type { TargetClient } from '../transport/target-client.js';
import { check, type CheckResult } from './check-result.js';
import { TimestampDigest } from './timestamp-digest.js';

/** What the integrity check found, for report.json's `lost`. */
export interface IntegrityFigures {
  result: CheckResult;
  /** Accepted heartbeats the target does not hold (at least this many). */
  missing: number;
  /** Heartbeats stored more than once (HB-7 broken). */
  doubled: number;
}

/** One agent's stored history of this run, against its digest of accepted heartbeats. */
interface AgentComparison {
  missing: number;
  extra: number;
  doubled: number;
  /** Same count on both sides but other timestamps: some missing and as many extra. */
  differ: boolean;
  /** Stored heartbeats from before this run (an earlier run against the same target), not judged. */
  earlier: number;
}

/**
 * Reads one agent's history page by page (newest first) and folds in only what this run sent: heartbeats whose agent
 * timestamp is older than the agent's first beat of this run belong to an earlier run against the same target and
 * are skipped; paging stops at the first page holding only such heartbeats (issue 11: two runs in a row both pass).
 */
async function compareAgent(agent: VirtualAgent, client: TargetClient, adminToken: string): Promise<AgentComparison> {
  const seen = new Set<string>(); // this run's stored timestamps of ONE agent, dropped when the agent is done
  const stored = new TimestampDigest();
  let doubled = 0;
  let earlier = 0;
  for await (const page of client.historyPages(adminToken, agent.assetId)) {
    let fromThisRun = 0;
    for (const item of page) {
      const ts = item.payload.timestamp;
      if (!(timestampMs(ts) >= agent.firstBeatMs)) {
        earlier++;
        continue;
      }
      fromThisRun++;
      if (seen.has(ts)) doubled++;
      else {
        seen.add(ts);
        // A beat still being retried at the end may be stored with its answer lost (flaky network): not an extra.
        if (ts !== agent.pendingTimestamp) stored.add(ts);
      }
    }
    if (fromThisRun === 0 && page.length > 0) break;
  }
  const accepted = agent.accepted;
  if (stored.equals(accepted)) return { missing: 0, extra: 0, doubled, differ: false, earlier };
  return {
    missing: Math.max(0, accepted.count - stored.count),
    extra: Math.max(0, stored.count - accepted.count),
    doubled,
    differ: stored.count === accepted.count,
    earlier,
  };
}

/**
 * FLT-4: for every agent, the heartbeats the target stored during this run are exactly the ones it accepted
 * (compared by agent timestamp, unique per beat, through a per-agent digest): none lost, none doubled, and no
 * rejected payload stored. Memory is one agent's history at a time.
 */
export async function integrityCheck(run: FleetRunResult, client: TargetClient, adminToken: string): Promise<IntegrityFigures> {
  let missing = 0;
  let doubled = 0;
  let extra = 0;
  let differ = 0;
  let earlier = 0;
  let compared = 0;
  const problems: string[] = [];
  let cursor = 0;
  const agents = run.agents;
  const worker = async () => {
    while (cursor < agents.length) {
      const agent = agents[cursor++]!;
      try {
        const c = await compareAgent(agent, client, adminToken);
        compared++;
        missing += c.missing + (c.differ ? 1 : 0);
        extra += c.extra;
        doubled += c.doubled;
        earlier += c.earlier;
        if (c.differ) differ++;
        if ((c.missing || c.extra || c.doubled || c.differ) && problems.length < 3) {
          problems.push(
            `${agent.identity.hostname} (${agent.assetId}): ${agent.accepted.count} accepted, ${c.missing} missing, ${c.extra} extra, ${c.doubled} doubled${c.differ ? ', same count but other timestamps' : ''}`,
          );
        }
      } catch (err) {
        if (problems.length < 3) problems.push(err instanceof Error ? err.message : String(err));
        missing += agent.accepted.count;
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const accepted = agents.reduce((n, a) => n + a.accepted.count, 0);
  const ok = compared === agents.length && missing === 0 && doubled === 0 && extra === 0;
  const result = check(
    'FLT-4',
    'stored heartbeats equal accepted ones',
    accepted === 0 ? 'skip' : ok,
    `${compared}/${agents.length} agents compared: ${accepted} accepted this run, ${missing} missing, ${doubled} doubled, ${extra} stored but never accepted` +
      `${differ ? `, ${differ} agents with other timestamps stored than accepted` : ''}${earlier ? `; ${earlier} stored heartbeats from earlier runs not judged` : ''}${problems.length ? `; ${problems.join('; ')}` : ''}`,
  );
  return { result, missing, doubled };
}
