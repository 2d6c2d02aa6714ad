import { seedSizedHeartbeat, type HeartbeatRequest } from '../../contracts/index.js';
import type { AgentIdentity } from './agent-identity.js';

/**
 * The inventory of one virtual agent: the seed-sized payload (~6.7 KB, the benchmarks' payload, PERF-2) carrying
 * the agent's own asset id and hostname. Used for the benchmark so the simulator and autocannon send the same bytes.
 */
export function seedSizedInventory(identity: AgentIdentity, assetId: string): HeartbeatRequest {
  const hb = seedSizedHeartbeat();
  hb.asset_id = assetId;
  if (hb.hardware_inventory?.system) hb.hardware_inventory.system.hostname = identity.hostname;
  return hb;
}
