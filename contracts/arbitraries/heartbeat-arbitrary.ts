import fc from 'fast-check';
import type { CollectionError, HeartbeatRequest } from '../index.js';
import { AssetIdSchema, limits } from '../index.js';
import { withExtras, maybeExtraFieldsArbitrary } from './extra-fields.js';
import { bitLockerInfoArbitrary, memoryInfoArbitrary, physicalDisksArbitrary, systemInfoArbitrary, systemVolumeArbitrary } from './hardware-arbitraries.js';
import { percentSampleArbitrary } from './numbers.js';
import { softwareInventoryArbitrary } from './software-arbitraries.js';
import { agentTimestampArbitrary } from './timestamps.js';
import { unicodeText } from './unicode-text.js';

/** Options of {@link heartbeatArbitrary}. */
export interface HeartbeatArbitraryOptions {
  /** Fixed asset id (default: a generated UUID). */
  assetId?: string;
  /** Installed program count range; default 0..500. */
  programs?: { min: number; max: number };
  /** Sections dropped and named in collection_errors (HB-4); default 'sometimes'. */
  partial?: 'never' | 'sometimes' | 'always';
  /** Unknown extra fields at random depths (HB-5); default true. */
  extras?: boolean;
}

/** Internal options: `complete` makes every section and list present and non-empty (the base mutations start from). */
export interface HeartbeatBuildOptions extends HeartbeatArbitraryOptions {
  complete?: boolean;
}

/** Each collector's section and the name it reports in collection_errors when it fails (AG-5, HB-4). */
const COLLECTORS = {
  status: 'metrics',
  system: 'system_info',
  memory: 'memory',
  disk: 'system_volume',
  disks: 'physical_disks',
  bitlocker: 'bitlocker',
  programs: 'installed_programs',
  software: 'software',
} as const;
type Section = keyof typeof COLLECTORS;
const SECTIONS = Object.keys(COLLECTORS) as Section[];

/** Error texts collectors really produce: timeouts, WMI and access errors, localized messages. */
const collectorErrorArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'Get-BitLockerVolume timed out after 10 s',
    'Access is denied. (Exception from HRESULT: 0x80070005 (E_ACCESSDENIED))',
    'WMI query failed: 0x80041003',
    'The RPC server is unavailable. (0x800706BA)',
    'collector exceeded its 30 s budget',
    'Zugriff verweigert',
    'アクセスが拒否されました。',
  ),
  unicodeText({ minLength: 1, maxLength: 200, maxGraphemes: 80 }),
);

/** Keeps a serialized heartbeat under this size: conformance posts them to servers whose limit may be 256 KiB (GEN-4). */
export const MAX_GENERATED_BYTES = 200 * 1024;

/** Drops trailing programs until the payload serializes under MAX_GENERATED_BYTES (rarely needed with the default sizes). */
function capSize(hb: HeartbeatRequest): HeartbeatRequest {
  const programs = hb.software_inventory?.installed_programs;
  while (programs !== undefined && programs.length > 0 && Buffer.byteLength(JSON.stringify(hb)) > MAX_GENERATED_BYTES) {
    programs.length = Math.floor(programs.length * 0.9);
  }
  return hb;
}

/** Refuses options that would make "valid" heartbeats invalid, so a caller's mistake is not reported as a server bug. */
function checkOptions(assetId: string | undefined, programs: { min: number; max: number }): void {
  if (assetId !== undefined && !AssetIdSchema.safeParse(assetId).success) {
    throw new Error(
      `heartbeatArbitrary: assetId '${assetId}' is not a UUID, so every heartbeat would be invalid; pass the asset_id the server issued (REG-1).`,
    );
  }
  const { min, max } = programs;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || min > max || max > limits.programsMax) {
    throw new Error(
      `heartbeatArbitrary: programs {min: ${min}, max: ${max}} must be integers with 0 <= min <= max <= ${limits.programsMax} (limits.programsMax).`,
    );
  }
}

/** Which sections fail, by the `partial` option. */
function droppedArbitrary(partial: NonNullable<HeartbeatArbitraryOptions['partial']>): fc.Arbitrary<Section[]> {
  const some = fc.subarray(SECTIONS, { minLength: 1 });
  if (partial === 'never') return fc.constant<Section[]>([]);
  if (partial === 'always') return some;
  return fc.oneof({ weight: 2, arbitrary: fc.constant<Section[]>([]) }, { weight: 1, arbitrary: some });
}

/**
 * A valid heartbeat (HB-1, HB-2) with the variety of a real Windows fleet and consistent numbers; sections a
 * failed collector would leave out are absent and named in collection_errors (HB-4); unknown fields at random
 * depths (HB-5); naive, Z and offset timestamps (HB-6). Serialized size stays under 200 KiB.
 */
export function buildHeartbeatArbitrary(options: HeartbeatBuildOptions = {}): fc.Arbitrary<HeartbeatRequest> {
  const extras = options.extras ?? true;
  const complete = options.complete ?? false;
  const programs = options.programs ?? { min: complete ? 1 : 0, max: 500 };
  checkOptions(options.assetId, programs);
  const disks = physicalDisksArbitrary(extras);
  const bitlocker = bitLockerInfoArbitrary(extras);
  return fc
    .record({
      asset_id: options.assetId === undefined ? fc.uuid() : fc.constant(options.assetId),
      timestamp: agentTimestampArbitrary(),
      cpu: percentSampleArbitrary,
      fallbackPercents: fc.tuple(percentSampleArbitrary, percentSampleArbitrary),
      statusExtras: extras ? maybeExtraFieldsArbitrary : fc.constant(undefined),
      system: systemInfoArbitrary(extras),
      memory: memoryInfoArbitrary(extras),
      disk: systemVolumeArbitrary(extras),
      disks: complete ? disks.filter((d) => d.length > 0) : disks,
      bitlocker: complete ? bitlocker.filter((b) => b.volumes.length > 0) : bitlocker,
      software: softwareInventoryArbitrary(programs, extras),
      dropped: droppedArbitrary(complete ? 'never' : (options.partial ?? 'sometimes')),
      errorTexts: fc.array(collectorErrorArbitrary, { minLength: SECTIONS.length, maxLength: SECTIONS.length }),
      extraErrors: complete
        ? fc.array(withExtras(fc.record({ collector: fc.constantFrom('gpu', 'tpm', 'printers'), error: collectorErrorArbitrary }), extras), {
            minLength: 1,
            maxLength: 3,
          })
        : fc.constant([]),
      reportedType: fc.constantFrom<HeartbeatRequest['heartbeat_type']>('partial', 'full'),
      keepEmptyHardware: fc.boolean(),
      hardwareExtras: extras ? maybeExtraFieldsArbitrary : fc.constant(undefined),
      rootExtras: extras ? maybeExtraFieldsArbitrary : fc.constant(undefined),
    })
    .map((g) => {
      const dropped = new Set(g.dropped);
      const has = (s: Section): boolean => !dropped.has(s);
      const hardware: NonNullable<HeartbeatRequest['hardware_inventory']> = { ...g.hardwareExtras };
      if (has('system')) hardware.system = g.system;
      if (has('memory')) hardware.memory = g.memory;
      if (has('disk')) hardware.disk = g.disk;
      if (has('disks')) hardware.disks = g.disks;
      if (has('bitlocker')) hardware.bitlocker = g.bitlocker;
      const software = { ...g.software };
      if (!has('programs')) delete software.installed_programs;
      const errors: CollectionError[] = [...g.dropped.map((s, i) => ({ collector: COLLECTORS[s], error: g.errorTexts[i]! })), ...g.extraErrors];
      const hb: HeartbeatRequest = {
        ...g.rootExtras,
        asset_id: g.asset_id,
        heartbeat_type: dropped.size === 0 ? 'full' : g.reportedType,
        timestamp: g.timestamp,
      };
      if (has('status')) {
        // The status block repeats the memory and system-volume percentages the deployed agent computes from the same sample.
        const memory_usage = has('memory') ? g.memory.usage_percent : g.fallbackPercents[0];
        const disk_usage = has('disk') ? g.disk.usage_percent : g.fallbackPercents[1];
        hb.status = { ...g.statusExtras, cpu_usage: g.cpu, memory_usage, disk_usage, status: 'online' };
      }
      if (Object.keys(hardware).length > 0 || g.keepEmptyHardware) hb.hardware_inventory = hardware;
      if (has('software')) hb.software_inventory = software;
      if (errors.length > 0) hb.collection_errors = errors;
      return capSize(hb);
    });
}

/** A valid heartbeat with real fleet variety (HB-1, HB-2, HB-4, HB-5, HB-6); see {@link HeartbeatArbitraryOptions}. */
export function heartbeatArbitrary(options: HeartbeatArbitraryOptions = {}): fc.Arbitrary<HeartbeatRequest> {
  return buildHeartbeatArbitrary({ ...options, complete: false });
}
