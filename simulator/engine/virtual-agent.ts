import { agentIdentity } from '../agents/agent-identity.js';
import type { AgentIdentity } from '../agents/agent-identity.js';
import { PayloadTemplate } from '../agents/payload-template.js';
import type { HeartbeatSchedulerApi, SchedulerDecision } from '@lanet/reference-agent/scheduler/scheduler-types';
import { TimestampDigest } from '../checks/timestamp-digest.js';
import type { TargetClient } from '../transport/target-client.js';
import type { FleetRunConfig, InvalidBeat } from './run-config.js';
import { createRandom, deriveSeed, type RandomSource } from './seeded-random.js';

/** One virtual agent: a few fields, its serialized payload, and the reference agent's scheduler. */
export interface VirtualAgent {
  identity: AgentIdentity;
  assetId: string;
  /** The agent token (AG-6 replaces it after a 401). */
  token: string;
  template: PayloadTemplate;
  random: RandomSource;
  scheduler: HeartbeatSchedulerApi;
  next: SchedulerDecision;
  /** Virtual time this agent's heap entry is due (entries with another time are stale). */
  dueMs: number;
  beat: number;
  /** The heartbeat being delivered: retries resend it unchanged (HB-7), a new slot makes a new one. */
  pendingBody: Uint8Array | undefined;
  pendingInvalid: InvalidBeat | undefined;
  /** The agent timestamp of the pending valid beat (FLT-4 excuses it: it may be stored with its answer lost). */
  pendingTimestamp: string | undefined;
  /** HB-7: the pending beat's Idempotency-Key (the same on each retry). */
  pendingKey: string;
  /** ESC-3: the pending beat carries the recovery keys. */
  pendingKeys: boolean;
  /** ESC-3: the target accepted a beat with the recovery keys (they have not changed since). */
  keysEscrowed: boolean;
  /** The inventory part the last beat sent (with or without keys), so --record writes it only when it changes. */
  lastRest: string | undefined;
  /** Virtual ms the pending beat was first sent. */
  pendingSinceMs: number;
  stopped: boolean;
  /** FLT-4: a digest of the agent timestamps of this run's accepted heartbeats (24 bytes, however many). */
  accepted: TimestampDigest;
  /** Epoch ms of this run's first agent timestamp: stored heartbeats older than it are an earlier run's (NaN: none yet). */
  firstBeatMs: number;
  /** Bumped when the agent restarts, so answers to the old process's sends never steer the new scheduler. */
  generation: number;
}

/** An agent after registration, before its scheduler starts. */
export type RegisteredAgent = Omit<VirtualAgent, 'scheduler' | 'next' | 'dueMs'>;

/** Registers this shard's agents with bounded concurrency (REG-1); identities are global so shards never overlap. */
export async function registerAll(client: TargetClient, config: FleetRunConfig): Promise<RegisteredAgent[]> {
  const indexes: number[] = [];
  for (let i = config.shard.index; i < config.agents; i += config.shard.count) indexes.push(i);
  const out: RegisteredAgent[] = new Array(indexes.length);
  let cursor = 0;
  const worker = async () => {
    while (cursor < indexes.length) {
      const slot = cursor++;
      const identity = agentIdentity(config.seed, indexes[slot]!);
      const reg = await client.register(
        config.enrollmentSecret,
        {
          hardware_fingerprint: identity.hardwareFingerprint,
          hostname: identity.hostname,
          agent_version: 'lanet-simulator',
        },
        config.wire,
      );
      out[slot] = {
        identity,
        assetId: reg.asset_id,
        token: reg.agent_token,
        template: new PayloadTemplate(config.inventoryFor(identity, reg.asset_id)),
        random: createRandom(deriveSeed(config.seed, identity.index, 0x5c)),
        beat: 0,
        pendingBody: undefined,
        pendingInvalid: undefined,
        pendingTimestamp: undefined,
        pendingKey: '',
        pendingKeys: false,
        keysEscrowed: false,
        lastRest: undefined,
        pendingSinceMs: 0,
        stopped: false,
        accepted: new TimestampDigest(),
        firstBeatMs: Number.NaN,
        generation: 0,
      };
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, indexes.length) }, worker));
  return out;
}
