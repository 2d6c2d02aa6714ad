import type { FleetRunResult } from '../engine/fleet-runner.js';
import type { TargetClient } from '../transport/target-client.js';
import { check, type CheckResult } from './check-result.js';

/** What the integrity check found, for report.json's `lost`. */
export interface IntegrityFigures {
  result: CheckResult;
  /** Accepted heartbeats the target does not hold. */
  missing: number;
  /** Heartbeats stored more than once (HB-7 broken). */
  doubled: number;
}

/**
 * FLT-4: for every agent, the heartbeats the target stored are exactly the ones it accepted (compared by agent
 * timestamp, which is unique per beat): none lost, none doubled, and no rejected payload stored.
 */
export async function integrityCheck(run: FleetRunResult, client: TargetClient, adminToken: string): Promise<IntegrityFigures> {
  let missing = 0;
  let doubled = 0;
  let extra = 0;
  let compared = 0;
  const problems: string[] = [];
  let cursor = 0;
  const agents = run.agents;
  const worker = async () => {
    while (cursor < agents.length) {
      const agent = agents[cursor++]!;
      let stored;
      try {
        stored = await client.history(adminToken, agent.assetId);
      } catch (err) {
        if (problems.length < 3) problems.push(err instanceof Error ? err.message : String(err));
        missing += agent.accepted.length;
        continue;
      }
      compared++;
      const counts = new Map<string, number>();
      for (const item of stored) counts.set(item.payload.timestamp, (counts.get(item.payload.timestamp) ?? 0) + 1);
      const acceptedSet = new Set(agent.accepted);
      for (const ts of acceptedSet) {
        const c = counts.get(ts) ?? 0;
        if (c === 0) missing++;
        if (c > 1) doubled += c - 1;
      }
      // A beat still being retried at the end may be stored with its answer lost (flaky network): not an extra.
      const pending = agent.pendingBody === undefined ? undefined : /"timestamp":"([^"]*)"/.exec(agent.pendingBody)?.[1];
      for (const ts of counts.keys()) if (!acceptedSet.has(ts) && ts !== pending) extra++;
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const accepted = agents.reduce((n, a) => n + a.accepted.length, 0);
  const ok = problems.length === 0 && missing === 0 && doubled === 0 && extra === 0;
  const result = check(
    'FLT-4',
    'stored heartbeats equal accepted ones',
    'must',
    accepted === 0 ? 'skip' : ok,
    `${compared}/${agents.length} agents compared: ${accepted} accepted, ${missing} missing, ${doubled} doubled, ${extra} stored but never accepted${problems.length ? `; read errors: ${problems.join('; ')}` : ''}`,
  );
  return { result, missing, doubled };
}
