import { z } from 'zod';
import { limits } from './limits.js';
import { AgentTimestampSchema, AssetIdSchema, PercentSchema, ShortWordSchema, sizeGbSchema } from './primitives.js';

// Objects are non-strict: unknown fields at any depth are accepted and ignored (HB-5), because newer agents add fields.
// Every inventory section is optional: a collector that failed leaves its section out and names itself in
// `collection_errors` (HB-4, AG-5). Fields inside a section that is present are required as the seed sends them.

/** Live metrics, the seed's `status` block (collected first, ~1 s CPU sample). */
export const StatusSchema = z
  .object({
    cpu_usage: PercentSchema.meta({ description: 'CPU usage over a 1 s sample, percent.', example: 15.2 }),
    memory_usage: PercentSchema.meta({ description: 'Memory in use, percent.', example: 67.8 }),
    disk_usage: PercentSchema.meta({ description: 'System volume usage, percent.', example: 45.3 }),
    status: ShortWordSchema.meta({ description: 'Agent-reported state; the deployed agent always sends "online".', example: 'online' }),
  })
  .meta({ id: 'HeartbeatStatus', description: 'System metrics. Absent when the metrics collector failed (HB-4).' });

/** Host identity: hostname, OS, CPU, and domain or workgroup membership. */
export const SystemInfoSchema = z
  .object({
    hostname: z.string().min(1).max(limits.hostnameMax).meta({ example: 'computer-name' }),
    platform: z.string().min(1).max(limits.platformMax).meta({ example: 'Windows-10-10.0.26100' }),
    // Some virtual machines report an empty processor string; allowed rather than forcing agents to invent one.
    processor: z.string().max(limits.processorMax).meta({ example: 'Intel64 Family 6 Model 154' }),
    architecture: z.string().min(1).max(limits.architectureMax).meta({ example: '64bit' }),
    domain: z.string().min(1).max(limits.hostnameMax).nullable().optional().meta({ example: 'company.com' }),
    workgroup: z.string().min(1).max(limits.hostnameMax).nullable().optional().meta({ example: null }),
  })
  .meta({ id: 'SystemInfo', description: 'Host identity. A host is in a domain or a workgroup; the other is null.' });

/** Physical memory totals in GB. */
export const MemoryInfoSchema = z
  .object({
    total_gb: sizeGbSchema(limits.memoryGbMax).meta({ example: 32.0 }),
    available_gb: sizeGbSchema(limits.memoryGbMax).meta({ example: 12.5 }),
    used_gb: sizeGbSchema(limits.memoryGbMax).meta({ example: 19.5 }),
    usage_percent: PercentSchema.meta({ example: 60.9 }),
  })
  .meta({ id: 'MemoryInfo' });

/** The system volume (the seed's `disk`). */
export const SystemVolumeSchema = z
  .object({
    device: z.string().min(1).max(limits.devicePathMax).meta({ example: 'C:\\' }),
    fstype: z.string().max(limits.shortWordMax).meta({ example: 'NTFS' }),
    total_gb: sizeGbSchema(limits.diskGbMax).meta({ example: 1000.0 }),
    used_gb: sizeGbSchema(limits.diskGbMax).meta({ example: 453.2 }),
    usage_percent: PercentSchema.meta({ example: 45.3 }),
  })
  .meta({ id: 'SystemVolume' });

/** Disk health as Windows' Get-PhysicalDisk reports it, plus the seed's "Critical". */
export const DiskHealthSchema = z.enum(['Healthy', 'Warning', 'Unhealthy', 'Critical', 'Unknown']).meta({ id: 'DiskHealth' });

/** One physical disk with SMART health (seed: Get-PhysicalDisk and the storage reliability counters). */
export const PhysicalDiskSchema = z
  .object({
    device: z.string().min(1).max(limits.modelMax).meta({ example: 'WD_BLACK SN850X 1000GB' }),
    model: z.string().max(limits.modelMax).meta({ example: 'WD_BLACK SN850X 1000GB' }),
    interface_type: ShortWordSchema.meta({ description: 'Bus type: NVMe, SATA, SAS, USB, RAID, Virtual, Unknown, ...', example: 'NVMe' }),
    health_status: DiskHealthSchema,
    smart_status: ShortWordSchema.meta({ description: 'SMART verdict: OK, Pred Fail, Unknown, ...', example: 'OK' }),
    total_gb: sizeGbSchema(limits.diskGbMax).meta({ example: 1000.0 }),
    // A physical disk has no single "used" figure when it holds several volumes; optional for that reason.
    used_gb: sizeGbSchema(limits.diskGbMax).optional().meta({ example: 453.2 }),
    usage_percent: PercentSchema.optional().meta({ example: 45.3 }),
  })
  .meta({ id: 'PhysicalDisk' });

/** BitLocker protection state of one volume (Win32_EncryptableVolume.ProtectionStatus: Off, On, Unknown). */
export const ProtectionStatusSchema = z.enum(['Protected', 'Unprotected', 'Unknown']).meta({ id: 'ProtectionStatus' });

/** One BitLocker volume; `recovery_key` is escrowed by the server, never echoed (ESC-1). */
export const BitLockerVolumeSchema = z
  .object({
    drive_letter: z.string().min(1).max(limits.devicePathMax).meta({ description: 'Drive letter ("C:") or mount path.', example: 'C:' }),
    protection_status: ProtectionStatusSchema,
    encryption_method: z.string().max(limits.shortWordMax).nullable().optional().meta({ example: 'AES-256' }),
    recovery_key: z.string().min(1).max(limits.recoveryKeyMax).nullable().optional().meta({
      description:
        'Recovery password or key. Stored encrypted (ESC-1), never returned by fleet endpoints; sent only when it changed or the server asked (ESC-3).',
      example: 'encrypted-key-data',
    }),
  })
  .meta({ id: 'BitLockerVolume' });

/** BitLocker support and per-volume status. */
export const BitLockerInfoSchema = z
  .object({
    supported: z.boolean(),
    protected_volumes: z.number().int().min(0).max(limits.volumesMax),
    volumes: z.array(BitLockerVolumeSchema).max(limits.volumesMax),
  })
  .meta({ id: 'BitLockerInfo', description: 'Unsupported hosts (Home editions, Linux) send supported=false and no volumes.' });

/** Hardware inventory: each section is optional because its collector may fail (HB-4). */
export const HardwareInventorySchema = z
  .object({
    system: SystemInfoSchema.optional(),
    memory: MemoryInfoSchema.optional(),
    disk: SystemVolumeSchema.optional(),
    disks: z.array(PhysicalDiskSchema).max(limits.disksMax).optional(),
    bitlocker: BitLockerInfoSchema.optional(),
  })
  .meta({ id: 'HardwareInventory' });

/** One installed program from the registry Uninstall keys. */
export const InstalledProgramSchema = z
  .object({
    name: z.string().min(1).max(limits.programNameMax).meta({ example: 'Microsoft Office Professional Plus 2021' }),
    // Many Uninstall entries have no DisplayVersion: null or absent is allowed rather than an invented "0".
    version: z.string().max(limits.programVersionMax).nullable().optional().meta({ example: '16.0.14332.20481' }),
    publisher: z.string().max(limits.publisherMax).nullable().optional().meta({ example: 'Microsoft Corporation' }),
  })
  .meta({ id: 'InstalledProgram' });

/** Software inventory; `python_version` is the deployed agent's legacy field, kept beside the agent's own version fields. */
export const SoftwareInventorySchema = z
  .object({
    python_version: z
      .string()
      .min(1)
      .max(limits.versionMax)
      .optional()
      .meta({ description: "Legacy: the deployed Python agent's runtime version.", example: '3.10.11' }),
    agent_version: z.string().min(1).max(limits.versionMax).optional().meta({ example: '1.0.0' }),
    agent_runtime: z.string().min(1).max(limits.runtimeMax).optional().meta({ example: 'node v20.20.2 (win32 x64)' }),
    installed_programs: z.array(InstalledProgramSchema).max(limits.programsMax).optional(),
    installed_programs_truncated: z
      .boolean()
      .optional()
      .meta({ description: 'True when the agent had more programs than the contract allows and sent the first 2,000.' }),
  })
  .meta({ id: 'SoftwareInventory' });

/** A collector that failed or timed out, skipped by the agent (AG-5, HB-4). */
export const CollectionErrorSchema = z
  .object({
    collector: z.string().min(1).max(limits.collectorNameMax).meta({ example: 'bitlocker' }),
    error: z.string().min(1).max(limits.collectionErrorMax).meta({ example: 'Get-BitLockerVolume timed out after 10 s' }),
    kind: z.enum(['failed', 'timeout', 'unsupported']).optional().meta({
      description:
        '"failed" or "timeout": the section is missing or incomplete (HB-4, partial). "unsupported": the collector cannot apply on this host (BitLocker on Linux, no smartctl); the section is sent as far as it can be, and the heartbeat is not partial for it. Absent means "failed".',
    }),
  })
  .meta({ id: 'CollectionError' });

/** The unified heartbeat: metrics plus the full inventory, every 300 s (HB-1). */
export const HeartbeatRequestSchema = z
  .object({
    asset_id: AssetIdSchema,
    heartbeat_type: z
      .enum(['full', 'partial'])
      .meta({ description: '"full" as the deployed agent sends; "partial" is allowed when collectors failed.', example: 'full' }),
    timestamp: AgentTimestampSchema,
    status: StatusSchema.optional(),
    hardware_inventory: HardwareInventorySchema.optional(),
    software_inventory: SoftwareInventorySchema.optional(),
    collection_errors: z.array(CollectionErrorSchema).max(limits.collectionErrorsMax).optional(),
  })
  .meta({
    id: 'HeartbeatRequest',
    description:
      'The unified heartbeat (HB-1). Unknown fields at any depth are accepted and ignored (HB-5). A section may be absent when its collector failed; such a heartbeat is stored as partial (HB-4).',
  });

/** A heartbeat as the agent sends it. */
export type HeartbeatRequest = z.infer<typeof HeartbeatRequestSchema>;
/** One installed program. */
export type InstalledProgram = z.infer<typeof InstalledProgramSchema>;
/** One physical disk. */
export type PhysicalDisk = z.infer<typeof PhysicalDiskSchema>;
/** One BitLocker volume. */
export type BitLockerVolume = z.infer<typeof BitLockerVolumeSchema>;
/** A skipped collector. */
export type CollectionError = z.infer<typeof CollectionErrorSchema>;
