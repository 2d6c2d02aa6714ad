import { z } from 'zod';
import { limits, type BitLockerVolume, type PhysicalDisk } from '@lanet/contracts';
import type { InventorySections } from '../collector-types.js';
import { bytesToGb } from '../exec-text.js';
import type { RawProgram } from '../normalize-programs.js';
import { repairMojibake } from './powershell-decoding.js';

// What PowerShell prints is read, never trusted: each parser checks the shape with zod and says what was wrong.
// ConvertTo-Json prints enums as numbers or names depending on the host and the cast, so both are accepted.

const text = z
  .union([z.string(), z.number()])
  .nullable()
  .optional()
  .transform((v) => (v === null || v === undefined ? null : String(v)));
const count = z
  .union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
  .nullable()
  .optional();

/** PowerShell 5.1 unrolls a one-element array into a bare object, and prints nothing for an empty one. */
function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => (v === null || v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item));
}

/** Parses a query's JSON output through `schema`; the error names the query and the first offending field. */
export function parsePowerShellJson<T extends z.ZodType>(query: string, output: string, schema: T): z.output<T> {
  let json: unknown;
  const body = output.replace(/^\ufeff/, '').trim(); // a BOM a host emitted at its first write
  try {
    json = body === '' ? null : JSON.parse(body);
  } catch (error) {
    throw new Error(
      `PowerShell ${query} query printed output that is not JSON (${(error as Error).message}); starts with ${JSON.stringify(output.slice(0, 60))}`,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`PowerShell ${query} query printed JSON of an unexpected shape at /${issue?.path.join('/') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

const SystemOutputSchema = z.object({
  Name: z.string().min(1),
  DNSHostName: text,
  Domain: text,
  PartOfDomain: z.boolean(),
  Workgroup: text,
  Caption: text,
  Version: z.string().regex(/^\d+\.\d+\.\d+/),
  BuildNumber: text,
  OSArchitecture: text,
  ProductType: count,
  ProcessorName: text,
  ProcessorIdentifier: text,
});

/** Python's platform.platform() style the deployed agent sends: Windows-10-10.0.19045, Windows-11-..., Windows-2022Server-... */
function platformString(caption: string, version: string, productType: number | null | undefined): string {
  const build = Number(version.split('.')[2] ?? 0);
  const server = /Server (\d{4})/.exec(caption);
  if (server || (productType !== null && productType !== undefined && productType !== 1)) return `Windows-${server?.[1] ?? ''}Server-${version}`;
  return `Windows-${build >= 22000 ? 11 : 10}-${version}`;
}

/** Win32_ComputerSystem and friends to the contract's system section: a domain member has a domain, else a workgroup. */
export function parseSystem(output: string): NonNullable<InventorySections['system']> {
  const s = parsePowerShellJson('system', output, SystemOutputSchema);
  const processor = (s.ProcessorIdentifier ?? s.ProcessorName ?? '').trim();
  return {
    hostname: (s.DNSHostName ?? s.Name).slice(0, limits.hostnameMax),
    platform: platformString(s.Caption ?? '', s.Version, s.ProductType),
    processor: processor.slice(0, limits.processorMax),
    architecture: /64/.test(s.OSArchitecture ?? '') ? '64bit' : /ARM/i.test(s.OSArchitecture ?? '') ? 'ARM' : '32bit',
    // Win32_ComputerSystem.Domain holds the workgroup name when the machine is not joined to a domain.
    domain: s.PartOfDomain ? s.Domain : null,
    workgroup: s.PartOfDomain ? null : (s.Workgroup ?? s.Domain),
  };
}

const DiskOutputSchema = z.object({
  DeviceId: text,
  FriendlyName: text,
  Model: text,
  BusType: text,
  MediaType: text,
  HealthStatus: text,
  OperationalStatus: text,
  Size: z.number().nonnegative(),
  ReadErrorsUncorrected: count,
  WriteErrorsUncorrected: count,
  Temperature: count,
  Wear: count,
});

// MSFT_PhysicalDisk.BusType and HealthStatus numeric values, for hosts whose JSON carries the raw enum.
const BUS_TYPES: Record<string, string> = {
  '1': 'SCSI',
  '2': 'ATAPI',
  '3': 'ATA',
  '6': 'FibreChannel',
  '7': 'USB',
  '8': 'RAID',
  '9': 'iSCSI',
  '10': 'SAS',
  '11': 'SATA',
  '12': 'SD',
  '13': 'MMC',
  '14': 'Virtual',
  '15': 'FileBackedVirtual',
  '16': 'StorageSpaces',
  '17': 'NVMe',
  '0': 'Unknown',
};
const HEALTH: Record<string, PhysicalDisk['health_status']> = {
  '0': 'Healthy',
  '1': 'Warning',
  '2': 'Unhealthy',
  '5': 'Unknown',
  healthy: 'Healthy',
  warning: 'Warning',
  unhealthy: 'Unhealthy',
  unknown: 'Unknown',
};

/** Get-PhysicalDisk plus reliability counters to the contract's disks: SMART is OK, Pred Fail or Unknown. */
export function parseDisks(output: string): PhysicalDisk[] {
  const rows = parsePowerShellJson('disks', output, listOf(DiskOutputSchema));
  return rows.slice(0, limits.disksMax).map((d) => {
    const health = HEALTH[(d.HealthStatus ?? '').toLowerCase()] ?? 'Unknown';
    const uncorrected = (d.ReadErrorsUncorrected ?? 0) + (d.WriteErrorsUncorrected ?? 0);
    // Windows folds the drive's SMART prediction into HealthStatus; uncorrected errors count as a prediction too.
    const smart = health === 'Unhealthy' || health === 'Warning' || uncorrected > 0 ? 'Pred Fail' : health === 'Healthy' ? 'OK' : 'Unknown';
    const name = repairMojibake((d.FriendlyName ?? d.Model ?? `PhysicalDisk${d.DeviceId ?? ''}`).trim()) || `PhysicalDisk${d.DeviceId ?? ''}`;
    return {
      device: name.slice(0, limits.modelMax),
      model: repairMojibake((d.Model ?? d.FriendlyName ?? '').trim()).slice(0, limits.modelMax),
      interface_type: BUS_TYPES[d.BusType ?? '0'] ?? (d.BusType?.slice(0, limits.shortWordMax) || 'Unknown'),
      health_status: health,
      smart_status: smart,
      total_gb: bytesToGb(d.Size),
    };
  });
}

const BitLockerOutputSchema = z.object({
  Supported: z.boolean(),
  Source: z.string(),
  Reason: text,
  Volumes: listOf(
    z.object({
      MountPoint: z.string().min(1),
      ProtectionStatus: text,
      EncryptionMethod: text,
      RecoveryPasswords: listOf(z.string()).optional(),
    }),
  ),
});

// Get-BitLockerVolume's EncryptionMethod names and Win32_EncryptableVolume.GetEncryptionMethod numbers.
const METHODS: Record<string, string | null> = {
  '0': null,
  none: null,
  '1': 'AES-128-Diffuser',
  aes128diffuser: 'AES-128-Diffuser',
  '2': 'AES-256-Diffuser',
  aes256diffuser: 'AES-256-Diffuser',
  '3': 'AES-128',
  aes128: 'AES-128',
  '4': 'AES-256',
  aes256: 'AES-256',
  '5': 'Hardware',
  hardware: 'Hardware',
  '6': 'XTS-AES-128',
  xtsaes128: 'XTS-AES-128',
  '7': 'XTS-AES-256',
  xtsaes256: 'XTS-AES-256',
};

function protection(value: string | null): BitLockerVolume['protection_status'] {
  const v = (value ?? '').toLowerCase();
  if (v === 'on' || v === '1') return 'Protected';
  if (v === 'off' || v === '0') return 'Unprotected';
  return 'Unknown';
}

/** Get-BitLockerVolume or Win32_EncryptableVolume to the contract's bitlocker section, recovery keys included. */
export function parseBitLocker(output: string): NonNullable<InventorySections['bitlocker']> {
  const b = parsePowerShellJson('bitlocker', output, BitLockerOutputSchema);
  if (!b.Supported) return { supported: false, protected_volumes: 0, volumes: [] };
  const volumes: BitLockerVolume[] = b.Volumes.slice(0, limits.volumesMax).map((v) => {
    const methodKey = (v.EncryptionMethod ?? '0').toLowerCase();
    const method = methodKey in METHODS ? (METHODS[methodKey] ?? null) : (v.EncryptionMethod ?? '').slice(0, limits.shortWordMax) || null;
    const key = v.RecoveryPasswords?.find((p) => p.trim() !== '') ?? null;
    return {
      drive_letter: v.MountPoint.slice(0, limits.devicePathMax),
      protection_status: protection(v.ProtectionStatus),
      encryption_method: method,
      recovery_key: key === null ? null : key.slice(0, limits.recoveryKeyMax),
    };
  });
  return { supported: true, protected_volumes: volumes.filter((v) => v.protection_status === 'Protected').length, volumes };
}

const ProgramOutputSchema = z.object({
  DisplayName: text,
  DisplayVersion: text,
  Publisher: text,
  SystemComponent: count,
  Hive: text,
});

/** Registry Uninstall entries to raw programs: hidden system components dropped, mojibake repaired. */
export function parsePrograms(output: string): RawProgram[] {
  const rows = parsePowerShellJson('programs', output, listOf(ProgramOutputSchema));
  return rows
    .filter((r) => r.SystemComponent !== 1)
    .map((r) => ({
      name: r.DisplayName === null ? null : repairMojibake(r.DisplayName),
      version: r.DisplayVersion,
      publisher: r.Publisher === null ? null : repairMojibake(r.Publisher),
    }));
}
