import { z } from 'zod';
import {
  AssetIdSchema,
  BitLockerInfoSchema,
  HeartbeatRequestSchema,
  HeartbeatResponseSchema,
  MemoryInfoSchema,
  PhysicalDiskSchema,
  ProblemSchema,
  RegisterResponseSchema,
  SoftwareInventorySchema,
  StatusSchema,
  SystemInfoSchema,
  SystemVolumeSchema,
  TokenSchema,
  limits,
} from '@lanet/contracts';

// Every shape the agent checks at run time, in one table: the contract's (what it sends and what it reads back) and
// the raw output of the programs it runs. The single-file agent compiles this table ahead of time into plain
// JavaScript checks (bundle/compiled-checks.ts), so zod is never loaded on the endpoint (PERF-3); the TypeScript
// agent checks with zod directly. Every schema here must therefore be exactly expressible in JSON Schema
// (assertRepresentable: no transform, default, preprocess or refinement): conversions happen in the parsers.

// What PowerShell prints for a text property: a string, a number (an enum printed raw) or null.
const psText = z.union([z.string(), z.number()]).nullable().optional();
// A count PowerShell prints as a number or, through a cast, as a string of digits.
const psCount = z
  .union([z.number(), z.string().regex(/^\d+$/)])
  .nullable()
  .optional();

/** Win32_ComputerSystem + Win32_OperatingSystem + Win32_Processor, as `systemScript` prints them. */
export const WindowsSystemOutputSchema = z.object({
  Name: z.string().min(1),
  DNSHostName: psText,
  Domain: psText,
  PartOfDomain: z.boolean(),
  Workgroup: psText,
  Caption: psText,
  Version: z.string().regex(/^\d+\.\d+\.\d+/),
  BuildNumber: psText,
  OSArchitecture: psText,
  ProductType: psCount,
  ProcessorName: psText,
  ProcessorIdentifier: psText,
});

/** One Get-PhysicalDisk row with its reliability counters, as `disksScript` prints it. */
export const WindowsDiskOutputSchema = z.object({
  DeviceId: psText,
  FriendlyName: psText,
  Model: psText,
  BusType: psText,
  MediaType: psText,
  HealthStatus: psText,
  OperationalStatus: psText,
  Size: z.number().min(0),
  ReadErrorsUncorrected: psCount,
  WriteErrorsUncorrected: psCount,
  Temperature: psCount,
  Wear: psCount,
});

/** One BitLocker volume, as `bitlockerScript` prints it (RecoveryPasswords already made a list by the parser). */
export const WindowsBitLockerVolumeSchema = z.object({
  MountPoint: z.string().min(1),
  ProtectionStatus: psText,
  EncryptionMethod: psText,
  RecoveryPasswords: z.array(z.string()).optional(),
});

/** `bitlockerScript`'s document (Volumes already made a list by the parser). */
export const WindowsBitLockerOutputSchema = z.object({
  Supported: z.boolean(),
  Source: z.string(),
  Reason: psText,
  Volumes: z.array(WindowsBitLockerVolumeSchema),
});

/** One Uninstall-key entry, as `programsScript` prints it. */
export const WindowsProgramOutputSchema = z.object({
  DisplayName: psText,
  DisplayVersion: psText,
  Publisher: psText,
  SystemComponent: psCount,
  Hive: psText,
});

/** One device of `lsblk -J -b`: sizes are numbers with -b, strings of digits from older util-linux. */
export const LsblkDeviceSchema = z.object({
  name: z.string().min(1),
  model: z.string().nullable().optional(),
  tran: z.string().nullable().optional(),
  size: z
    .union([z.number(), z.string().regex(/^\d+$/)])
    .nullable()
    .optional(),
  rota: z.union([z.boolean(), z.string(), z.number()]).nullable().optional(),
  type: z.string(),
});

/** The part of `smartctl -j -H -i` the agent reads. */
export const SmartctlSchema = z.object({
  smart_status: z.object({ passed: z.boolean() }).optional(),
  model_name: z.string().optional(),
});

/** The agent's settings once merged; `server` is also checked to parse as a URL (agent-config.ts). */
export const AgentConfigSchema = z.object({
  server: z.string().min(1).optional(),
  enrollmentSecret: z.string().min(1).optional(),
  configDir: z.string().min(1),
  /** Development override: a fixed interval that ignores the server's HB-11 steering and may go below 60 s. */
  intervalS: z.number().gt(0).max(limits.maxHeartbeatIntervalS).optional(),
  /** AG-7 start-up spread; default one whole interval. */
  startupDelayS: z.number().min(0).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
});

/** What the agent keeps between runs: its identity (REG-1) and the ESC-3 fingerprint of the keys the server has. */
export const AgentStateSchema = z.object({
  /** The server it registered with; also checked to parse as a URL (identity-store.ts). */
  server: z.string().min(1),
  asset_id: AssetIdSchema,
  agent_token: TokenSchema,
  /** sha256 of the recovery keys last accepted by the server; keys are sent again only when it changes (ESC-3). */
  escrowed_keys_sha256: z.string().optional(),
});

/** Every check the agent runs, by name. */
export const agentSchemas = {
  heartbeat: HeartbeatRequestSchema,
  heartbeatResponse: HeartbeatResponseSchema,
  registerResponse: RegisterResponseSchema,
  problem: ProblemSchema,
  status: StatusSchema,
  system: SystemInfoSchema,
  memory: MemoryInfoSchema,
  disk: SystemVolumeSchema,
  disks: z.array(PhysicalDiskSchema).max(limits.disksMax),
  bitlocker: BitLockerInfoSchema,
  software: SoftwareInventorySchema,
  windowsSystem: WindowsSystemOutputSchema,
  windowsDisks: z.array(WindowsDiskOutputSchema),
  windowsBitLocker: WindowsBitLockerOutputSchema,
  windowsPrograms: z.array(WindowsProgramOutputSchema),
  lsblk: z.object({ blockdevices: z.array(LsblkDeviceSchema) }),
  smartctl: SmartctlSchema,
  agentConfig: AgentConfigSchema,
  agentState: AgentStateSchema,
} as const;

/** A check's name. */
export type CheckName = keyof typeof agentSchemas;

/** The value a passing check hands back, typed by the schema. */
export type Checked<K extends CheckName> = z.output<(typeof agentSchemas)[K]>;
