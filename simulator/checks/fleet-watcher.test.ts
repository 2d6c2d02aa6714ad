import { describe, expect, it } from 'vitest';
import type { FleetList } from '@lanet/contracts';
import type { FleetRunResult } from '../engine/fleet-runner.js';
import type { TargetClient } from '../transport/target-client.js';
import { FleetWatcher } from './fleet-watcher.js';
import { livenessCheck } from './timing-checks.js';

const A = '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d';
const B = '9a4d3f2b-8c1e-4c7b-8e21-5d6f7a8b9c0d';
type View = { asset: string; status: 'online' | 'offline'; lastSeenMs: number };

/** A target whose fleet view is scripted poll by poll (a FleetList per poll, wall ms as last_seen_at). */
function scriptedClient(polls: View[][]): TargetClient {
  let n = 0;
  return {
    fleetList: async (): Promise<FleetList> => {
      const views = polls[Math.min(n++, polls.length - 1)]!;
      return {
        offline_after_s: 2,
        agents: views.map((v) => ({
          asset_id: v.asset,
          hostname: v.asset.slice(0, 8),
          status: v.status,
          last_seen_at: new Date(v.lastSeenMs).toISOString(),
          clock_skew_s: 0,
          clock_skew_flagged: false,
        })),
      } as unknown as FleetList;
    },
  } as unknown as TargetClient;
}

const run = (assets: string[]) =>
  ({ agents: assets.map((assetId, index) => ({ assetId, identity: { index, hostname: `host-${index}` }, stopped: false })) }) as unknown as FleetRunResult;

describe('FleetWatcher (FLT-2 figures folded per poll)', () => {
  it('keeps a fixed few numbers per agent however often it flips between online and offline (issue 13)', async () => {
    const now = Date.now();
    const flapping = (k: number): View[] => [{ asset: A, status: k % 2 ? 'offline' : 'online', lastSeenMs: now - 10_000 + k }];
    const watcher = new FleetWatcher(scriptedClient(Array.from({ length: 2000 }, (_, k) => flapping(k))), 'admin', 1000);
    for (let k = 0; k < 10; k++) await watcher.poll();
    const after10 = JSON.stringify([...watcher.liveness.entries()]).length;
    for (let k = 0; k < 1990; k++) await watcher.poll();
    expect(watcher.polls).toBe(2000);
    expect(watcher.liveness.size).toBe(1);
    expect(JSON.stringify([...watcher.liveness.entries()]).length).toBeLessThanOrEqual(after10 + 4);
  });

  it('FLT-2 fails when a beating agent is shown offline before offline_after, and passes a stopped agent flagged in time', async () => {
    const now = Date.now();
    // A: shown offline 0.3 s after its last heartbeat (offline_after is 2 s real): wrong. B: stopped 2.4 s ago, then shown offline (in time).
    const polls: View[][] = [
      [
        { asset: A, status: 'online', lastSeenMs: now - 100 },
        { asset: B, status: 'online', lastSeenMs: now - 2400 },
      ],
      [
        { asset: A, status: 'offline', lastSeenMs: now - 300 },
        { asset: B, status: 'offline', lastSeenMs: now - 2400 },
      ],
    ];
    const early = new FleetWatcher(scriptedClient(polls), 'admin', 200);
    await early.poll();
    await early.poll();
    early.lastPollEndWallMs = now + 10_000; // the run went on long enough to judge B
    const failed = livenessCheck(run([A, B]), early, new Set([1]), 600, 300);
    expect(failed.status, failed.evidence).toBe('fail');
    expect(failed.evidence).toContain('1 agents shown offline less than offline_after');
    expect(failed.evidence).toContain('1/1 stopped agents shown offline in time');

    const fine = new FleetWatcher(scriptedClient([[{ asset: A, status: 'online', lastSeenMs: now - 100 }, polls[1]![1]!]]), 'admin', 200);
    await fine.poll();
    fine.lastPollEndWallMs = now + 10_000;
    const passed = livenessCheck(run([A, B]), fine, new Set([1]), 600, 300);
    expect(passed.status, passed.evidence).toBe('pass');
  });

  it('FLT-2 fails a stopped agent the view never shows offline', async () => {
    const now = Date.now();
    const watcher = new FleetWatcher(scriptedClient([[{ asset: B, status: 'online', lastSeenMs: now - 5000 }]]), 'admin', 200);
    await watcher.poll();
    watcher.lastPollEndWallMs = now + 10_000;
    const result = livenessCheck(run([B]), watcher, new Set([0]), 600, 300);
    expect(result.status).toBe('fail');
    expect(result.evidence).toContain('0/1 stopped agents shown offline in time');
  });
});

describe('FLT-2 and an agent the fleet view never lists', () => {
  it('fails a stopped agent that never appeared in the view (it cannot have been flagged)', async () => {
    const now = Date.now();
    const watcher = new FleetWatcher(scriptedClient([[{ asset: A, status: 'online', lastSeenMs: now - 100 }]]), 'admin', 200);
    await watcher.poll();
    watcher.lastPollEndWallMs = now + 10_000;
    const result = livenessCheck(run([A, B]), watcher, new Set([1]), 600, 300);
    expect(result.status).toBe('fail');
    expect(result.evidence).toContain('0/1 stopped agents shown offline in time');
    expect(result.evidence).toContain('never appeared in the fleet view');
  });
});
