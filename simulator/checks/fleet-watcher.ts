import type { FleetAgent } from '@lanet/contracts';
import type { VirtualClock } from '../engine/virtual-clock.js';
import type { TargetClient } from '../transport/target-client.js';

/**
 * What FLT-2 and HB-8 need of one agent's views of the fleet, folded in poll by poll: a few numbers however long the run and
 * however often the agent flips between online and offline (it kept one entry per flip, O(heartbeats) for a fleet
 * flapping on a target that falls behind: issue 13). Wall ms of the target's clock (a loopback target shares ours).
 */
export interface LivenessDigest {
  /** Of the offline views, the smallest gap between the poll's return and the agent's last_seen_at (Infinity: none). */
  closestOfflineGapMs: number;
  /** The latest last_seen_at any view showed (0: never seen). */
  lastSeenWallMs: number;
  /** Start of the first poll that showed the agent offline with that last_seen_at (NaN: not shown offline since). */
  offlineSincePollStartWallMs: number;
  /** HB-8 as the latest view showed it: the status, clock_skew_s and clock_skew_flagged (copied, not the view). */
  status: FleetAgent['status'];
  clockSkewS: number | null;
  clockSkewFlagged: boolean | undefined;
}
/**
 * How often a poll reads the whole fleet. Why not every time: with 1,000 agents beating 1,000 times a second, whole
 * views twice a second cost the reference server's HTTP thread ~50 µs per heartbeat (317 -> 268 µs measured) and the
 * simulator ~40 µs (307 -> 265), and both grow with the fleet, on the machine PERF-1 loads (issue 13).
 */
const FULL_VIEW_EVERY = 5;

/**
 * Polls the target's fleet view (GET /api/agents, FLT-1) during the run and keeps, per asset, one LivenessDigest
 * updated in place (never a poll's objects: 2,000 views every half second that outlive the young generation are old
 * garbage, issue 13): enough to tell whether a jittering agent was ever flagged offline (FLT-2) and how the target saw
 * clock skew (HB-8), at a fixed few hundred bytes per agent.
 */
export class FleetWatcher {
  readonly liveness = new Map<string, LivenessDigest>();
  offlineAfterS: number | undefined;
  polls = 0;
  /** Real wall ms the latest poll came back. */
  lastPollEndWallMs = 0;
  failures: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private clock: VirtualClock | undefined;

  constructor(
    private readonly client: TargetClient,
    private readonly adminToken: string,
    readonly everyMs: number,
  ) {}

  /** Starts polling on the run's clock. */
  start(clock: VirtualClock): void {
    this.clock = clock;
    this.timer = setInterval(() => void this.poll(), this.everyMs);
  }

  /** Stops polling and takes one last look. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 10));
    await this.poll(false);
  }

  /** One poll (also usable without start, e.g. after the run); `filtered` false reads the whole fleet. */
  async poll(filtered = true): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const pollStartWallMs = Date.now();
      // Every FULL_VIEW_EVERY-th poll reads the whole fleet (last_seen_at of every agent, HB-8's skews); the polls
      // between ask only for the offline agents (FLT-5), which is all FLT-2 needs to catch a flip in time.
      const full = !filtered || this.polls % FULL_VIEW_EVERY === 0;
      const list = await this.client.fleetList(this.adminToken, full ? undefined : 'offline');
      const pollEndWallMs = Date.now();
      this.lastPollEndWallMs = pollEndWallMs;
      this.polls++;
      if (list.offline_after_s !== undefined) this.offlineAfterS = list.offline_after_s;
      for (const agent of list.agents) {
        let digest = this.liveness.get(agent.asset_id);
        if (!digest) {
          digest = {
            closestOfflineGapMs: Number.POSITIVE_INFINITY,
            lastSeenWallMs: 0,
            offlineSincePollStartWallMs: Number.NaN,
            status: agent.status,
            clockSkewS: null,
            clockSkewFlagged: undefined,
          };
          this.liveness.set(agent.asset_id, digest);
        }
        foldView(digest, agent, pollStartWallMs, pollEndWallMs);
      }
    } catch (err) {
      if (this.failures.length < 20) this.failures.push(err instanceof Error ? err.message : String(err));
    } finally {
      this.busy = false;
    }
  }
}

/**
 * Folds one view of an agent into its digest. The target judged liveness somewhere between the poll's start and
 * return, so an offline view is suspicious by its gap to the return (the smallest the target could have seen), and a
 * stopped agent counts as flagged from the poll's start (the earliest it could have been).
 */
export function foldView(
  digest: LivenessDigest,
  agent: Pick<FleetAgent, 'status' | 'last_seen_at' | 'clock_skew_s' | 'clock_skew_flagged'>,
  pollStartWallMs: number,
  pollEndWallMs: number,
): void {
  digest.status = agent.status;
  digest.clockSkewS = agent.clock_skew_s;
  digest.clockSkewFlagged = agent.clock_skew_flagged;
  const lastSeenWallMs = agent.last_seen_at === null ? undefined : Date.parse(agent.last_seen_at);
  if (lastSeenWallMs !== undefined && lastSeenWallMs > digest.lastSeenWallMs) {
    digest.lastSeenWallMs = lastSeenWallMs;
    digest.offlineSincePollStartWallMs = Number.NaN; // a newer heartbeat: any earlier offline view no longer counts
  }
  if (agent.status !== 'offline' || lastSeenWallMs === undefined) return;
  digest.closestOfflineGapMs = Math.min(digest.closestOfflineGapMs, pollEndWallMs - lastSeenWallMs);
  if (lastSeenWallMs === digest.lastSeenWallMs && Number.isNaN(digest.offlineSincePollStartWallMs)) digest.offlineSincePollStartWallMs = pollStartWallMs;
}
