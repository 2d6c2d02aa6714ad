import { createHash } from 'node:crypto';
import { formatFieldErrors, type HeartbeatRequest } from '@lanet/contracts';
import { check } from '../checks/agent-checks.js';
import type { InventorySections } from '../collectors/collector-types.js';
import type { CollectionRun } from '../collectors/run-collectors.js';
import { sendRecoveryKeys } from '../wire/heartbeat-wire.js';

/** Used by --dry-run before the machine has registered: the nil UUID, which the contract accepts. */
export const UNREGISTERED_ASSET_ID = '00000000-0000-0000-0000-000000000000';

/** sha256 over the recovery keys by volume, so a change is noticed without storing the keys (ESC-3). */
export function recoveryKeysFingerprint(bitlocker: InventorySections['bitlocker']): string | undefined {
  const keys = (bitlocker?.volumes ?? [])
    .filter((v) => typeof v.recovery_key === 'string')
    .map((v) => `${v.drive_letter}=${v.recovery_key}`)
    .sort();
  return keys.length === 0 ? undefined : createHash('sha256').update(keys.join('\n')).digest('hex');
}

/** The heartbeat built from one collection, and whether it carries recovery keys. */
export interface BuiltHeartbeat {
  heartbeat: HeartbeatRequest;
  keysIncluded: boolean;
  keysFingerprint: string | undefined;
}

/**
 * Assembles the unified heartbeat (HB-1) from the collected sections. Recovery keys go only when the server asked
 * or they differ from those it last accepted (ESC-3); otherwise `recovery_key` is left out. A heartbeat missing a
 * section because its collector failed is `partial` (HB-4). The result is validated against the contract.
 */
export function buildHeartbeat(
  run: CollectionRun,
  assetId: string,
  options: { now: Date; includeRecoveryKeys: boolean; escrowedKeysSha256?: string },
): BuiltHeartbeat {
  const s = run.sections;
  const keysFingerprint = recoveryKeysFingerprint(s.bitlocker);
  // ESC-3 is decided once, in the wire module, for the agent and the simulator alike (issue 13).
  const keysIncluded = sendRecoveryKeys({
    haveKeys: keysFingerprint !== undefined,
    changedSinceEscrow: keysFingerprint !== options.escrowedKeysSha256,
    serverAsked: options.includeRecoveryKeys,
  });
  const bitlocker = s.bitlocker && {
    ...s.bitlocker,
    volumes: s.bitlocker.volumes.map(({ recovery_key, ...rest }) => (keysIncluded && recovery_key ? { ...rest, recovery_key } : rest)),
  };
  const hardware = { system: s.system, memory: s.memory, disk: s.disk, disks: s.disks, bitlocker };
  const hasHardware = Object.values(hardware).some((v) => v !== undefined);
  const failed = run.timings.some((t) => t.outcome !== 'ok');
  const candidate = {
    asset_id: assetId,
    heartbeat_type: failed ? 'partial' : 'full',
    timestamp: options.now.toISOString(),
    ...(s.status ? { status: s.status } : {}),
    ...(hasHardware ? { hardware_inventory: JSON.parse(JSON.stringify(hardware)) as HeartbeatRequest['hardware_inventory'] } : {}),
    ...(s.software ? { software_inventory: s.software } : {}),
    ...(run.errors.length > 0 ? { collection_errors: run.errors } : {}),
  };
  const verdict = check('heartbeat', candidate);
  if (!verdict.ok) throw new Error(`The assembled heartbeat breaks the contract (an agent bug, please report it): ${formatFieldErrors(verdict.errors)}`);
  return { heartbeat: verdict.value, keysIncluded, keysFingerprint };
}
