import fc from 'fast-check';
import { seedSizedHeartbeat, type HeartbeatRequest } from '@lanet/contracts';
import { heartbeatArbitrary, invalidHeartbeatArbitrary } from '@lanet/contracts/arbitraries';
import type { InvalidBeat } from '../engine/run-config.js';
import { deriveSeed } from '../engine/seeded-random.js';
import type { AgentIdentity } from './agent-identity.js';

/**
 * Distinct drawn inventories: drawing one takes a few milliseconds, so fleets larger than this share draws
 * (agent i gets draw i mod POOL) and then drift apart beat by beat; fleets up to this size are all distinct.
 */
export const INVENTORY_POOL = 512;

/** Programs per drawn host: the seed's agent capped at 50; real hosts vary, and 80 keeps bodies near the seed's 5-8 KB. */
const PROGRAMS = { min: 0, max: 80 } as const;

/**
 * Inventories from the contracts' arbitraries (HB-2, HB-4, HB-5, HB-6 variety), seeded by the run seed and the
 * agent's draw index so a seed reproduces every agent's inventory.
 */
export function arbitraryInventorySource(seed: number): (identity: AgentIdentity, assetId: string) => HeartbeatRequest {
  const pool = new Map<number, string>();
  return (identity, assetId) => {
    const slot = identity.index % INVENTORY_POOL;
    let json = pool.get(slot);
    if (json === undefined) {
      const [drawn] = fc.sample(heartbeatArbitrary({ assetId: '00000000-0000-4000-8000-000000000000', programs: PROGRAMS }), {
        seed: deriveSeed(seed, slot, 0x1f),
        numRuns: 1,
      });
      json = JSON.stringify(drawn);
      pool.set(slot, json);
    }
    const hb = JSON.parse(json) as HeartbeatRequest;
    hb.asset_id = assetId;
    return hb;
  };
}

/**
 * The seed-sized payload (~6.7 KB, PERF-2) with the agent's asset id: the benchmark's inventory, so the simulator
 * and autocannon send the same bytes (the hostname stays the seed's, as autocannon's does).
 */
export function seedSizedInventory(_identity: AgentIdentity, assetId: string): HeartbeatRequest {
  const hb = seedSizedHeartbeat();
  hb.asset_id = assetId;
  return hb;
}

/**
 * invalid-mix: about `share` of an agent's beats are a property-generated invalid payload breaking one rule at one
 * JSON Pointer (HB-3), for the agent's own asset id so authentication never hides the validation answer.
 */
export function invalidBeatSource(seed: number, share: number): (agent: number, beat: number, assetId: string) => InvalidBeat | undefined {
  return (agent, beat, assetId) => {
    const pick = deriveSeed(seed, agent, beat, 0x1b) / 4294967296;
    // Never the first beat: the agent must be seen (FLT-1) with a valid heartbeat before it misbehaves.
    if (beat < 2 || pick >= share) return undefined;
    const [mutation] = fc.sample(invalidHeartbeatArbitrary({ assetId }), { seed: deriveSeed(seed, agent, beat, 0x1c), numRuns: 1 });
    return { body: JSON.stringify(mutation!.payload), pointer: mutation!.pointer, label: mutation!.label };
  };
}
