import { deriveSeed } from '../engine/seeded-random.js';

/** What an agent presents at registration: stable across runs with the same seed (REG-3 re-registration keeps the asset). */
export interface AgentIdentity {
  /** Global index in the fleet (0..agents-1), the same in every shard. */
  index: number;
  hardwareFingerprint: string;
  hostname: string;
}

/** The identity of agent `index` in the run seeded `seed`: a 32-hex-digit fingerprint and a hostname. */
export function agentIdentity(seed: number, index: number): AgentIdentity {
  const parts = [0, 1, 2, 3].map((k) => deriveSeed(seed, index, 0x1d, k).toString(16).padStart(8, '0'));
  return {
    index,
    hardwareFingerprint: `sim:${parts.join('')}`,
    hostname: `sim-${seed.toString(36)}-${index.toString().padStart(5, '0')}`,
  };
}
