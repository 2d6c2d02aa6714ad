import type { HeartbeatRequest } from '@lanet/contracts';
import type { AttemptStats } from '../checks/attempt-stats.js';
import type { WireOptions } from '@lanet/reference-agent/wire/heartbeat-wire';
import type { HeartbeatSchedulerApi } from '@lanet/reference-agent/scheduler/scheduler-types';
import type { AgentIdentity } from '../agents/agent-identity.js';
import type { RandomSource } from './seeded-random.js';
import type { AgentClock } from './agent-clock.js';
import type { VirtualClock } from './virtual-clock.js';

/** An injected invalid heartbeat and where the target must point (HB-3). */
export interface InvalidBeat {
  body: string;
  /** JSON Pointer of the offending field the 400's `errors` must name. */
  pointer: string;
  label: string;
}

/** Scenario hooks into the fleet loop; all optional and all in virtual milliseconds. */
export interface RunHooks {
  /** Called on every loop tick (drives proxy phases). */
  onTick?(virtualMs: number): void;
  /** The payload of this beat is an injected invalid one (invalid-mix). */
  invalidBeat?(agent: number, beat: number, assetId: string): InvalidBeat | undefined;
  /** The agent's clock (clock-skew). */
  clockOf?(agent: number): AgentClock | undefined;
  /** Virtual time the agent's service stops for good (FLT-2), if it does. */
  stopAt?(agent: number): number | undefined;
  /** Extra delay (may be negative) added to a grid send: collection time varying within AG-1's ±30 s. */
  jitterMs?(agent: number): number;
  /** Virtual time the whole fleet restarts together (restart-herd, AG-7), if it does. */
  restartAt?: number;
}

/** Everything one run of the fleet loop needs. */
export interface FleetRunConfig {
  /** Where agents send (the target, or the fault proxy in front of it). */
  sendUrl: string;
  /** Fleet size over all shards. */
  agents: number;
  shard: { index: number; count: number };
  /** Real seconds to run the load. */
  durationS: number;
  timeScale: number;
  /** Protocol interval in seconds (AG-1). */
  intervalS: number;
  seed: number;
  enrollmentSecret: string;
  /** Connection bound of the heartbeat pool. */
  connections: number;
  /** Sends in flight at once (default: twice `connections`); due sends past it wait in a compact queue. */
  maxInFlight?: number;
  /** Departures from the reference agent's wire (`--no-gzip`); the agent's own by default. */
  wire?: WireOptions;
  /** The reference agent's scheduler for one agent. */
  createScheduler(random: RandomSource): HeartbeatSchedulerApi;
  /** The agent's drawn inventory (seeded by the run seed and its index). */
  inventoryFor(identity: AgentIdentity, assetId: string): HeartbeatRequest;
  hooks?: RunHooks;
  /** Live progress line every second (stderr by default). */
  progress?: (line: string) => void;
  /** Play a recording back instead of running the scheduler and generating beats. */
  replay?: ReplayPlan;
  /** Receives every generated beat (record). */
  onBeat?: (event: BeatEvent) => void;
  /** Called once the virtual clock starts (after registration). */
  onStart?: (clock: VirtualClock, startWallMs: number) => void;
  /** The timing stats the scenario's checks read (its policy, outage and arrival windows); a default one otherwise. */
  createStats?: (agents: number) => AttemptStats;
}

/** A generated heartbeat as --record stores it. */
export interface BeatEvent {
  agent: number;
  beat: number;
  /** Virtual ms the scheduler set for its first send. */
  atMs: number;
  reason: string;
  timestamp: string;
  status: HeartbeatRequest['status'];
  /** The rest of the inventory when it changed since the agent's previous beat (`,"key":...` form). */
  rest?: string;
  heartbeatType: string;
  /** An injected invalid beat: its whole body and where the target must point. */
  invalid?: InvalidBeat;
  assetId: string;
}

/** A recorded run played back: the agents send the recorded beats at the recorded times, open loop (--replay). */
export interface ReplayPlan {
  /** The recorded schedule of one agent, as a scheduler the loop can drive. */
  createSchedule(agent: number): HeartbeatSchedulerApi;
  /** Body (and event) of the agent's n-th beat; timestamps moved by `shiftMs`, asset id replaced. */
  beat(agent: number, beat: number, assetId: string, shiftMs: number): { body: string; event: BeatEvent } | undefined;
  /** Real wall time the recorded run's clock started (timestamps shift by the difference). */
  recordedStartWallMs: number;
}
