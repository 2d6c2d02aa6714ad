import type { FleetAgent } from '@lanet/contracts';
import type { VirtualClock } from '../engine/virtual-clock.js';
import type { TargetClient } from '../transport/target-client.js';

/** A status change of one agent as the fleet view showed it, at a virtual time. */
export interface StatusChange {
  /** Virtual ms at the poll's start. */
  atMs: number;
  status: FleetAgent['status'];
  /** Real wall ms the poll left and came back: the server judged liveness somewhere in between. */
  pollStartWallMs: number;
  pollEndWallMs: number;
  /** The server's last_seen_at (wall ms), or undefined when never seen. */
  lastSeenWallMs: number | undefined;
}

/**
 * Polls the target's fleet view (GET /api/agents, FLT-1) during the run and keeps, per asset, only the status
 * changes and the latest entry: enough to tell whether a jittering agent was ever flagged offline (FLT-2) and how
 * the target saw clock skew (HB-8), at a few hundred bytes per agent.
 */
export class FleetWatcher {
  readonly changes = new Map<string, StatusChange[]>();
  readonly latest = new Map<string, FleetAgent>();
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
    await this.poll();
  }

  /** One poll (also usable without start, e.g. after the run). */
  async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      // The snapshot is taken after the request leaves: stamping the poll's start never calls a flag early.
      const atMs = this.clock?.nowMs() ?? 0;
      const pollStartWallMs = Date.now();
      const list = await this.client.fleetList(this.adminToken);
      const pollEndWallMs = Date.now();
      this.lastPollEndWallMs = pollEndWallMs;
      this.polls++;
      if (list.offline_after_s !== undefined) this.offlineAfterS = list.offline_after_s;
      for (const agent of list.agents) {
        this.latest.set(agent.asset_id, agent);
        let changes = this.changes.get(agent.asset_id);
        if (!changes) this.changes.set(agent.asset_id, (changes = []));
        const lastSeenWallMs = agent.last_seen_at === null ? undefined : Date.parse(agent.last_seen_at);
        const previous = changes[changes.length - 1];
        // Status changes, and every offline view with a new last_seen_at (a heartbeat arrived but the agent is still offline).
        if (previous?.status !== agent.status || (agent.status === 'offline' && previous.lastSeenWallMs !== lastSeenWallMs)) {
          changes.push({ atMs, status: agent.status, pollStartWallMs, pollEndWallMs, lastSeenWallMs });
        }
      }
    } catch (err) {
      if (this.failures.length < 20) this.failures.push(err instanceof Error ? err.message : String(err));
    } finally {
      this.busy = false;
    }
  }
}
