import { formatFieldErrors, limits, type BitLockerVolume, type PhysicalDisk } from '@lanet/contracts';
import { check, type CheckName, type Checked } from '../../checks/agent-checks.js';
import type { InventorySections } from '../collector-types.js';
import { bytesToGb } from '../exec-text.js';
import type { RawProgram } from '../normalize-programs.js';
import { repairMojibake } from './powershell-decoding.js';

// What PowerShell prints is read, never trusted: each parser checks the shape (checks/agent-schemas.ts) and says
// what was wrong. ConvertTo-Json prints enums as numbers or names depending on the host and the cast, so both are
// accepted; the conversions below (text, count, list) happen after the check, so the shapes stay plain JSON Schema.

/** A text property as a string (an enum printed as a number becomes its digits), or null. */
function text(v: string | number | null | undefined): string | null {
  return v === null || v === undefined ? null : String(v);
}

/** A count printed as a number or a string of digits, as a number (null when absent). */
function count(v: string | number | null | undefined): number | null {
  return v === null || v === undefined ? null : Number(v);
}

/** PowerShell 5.1 unrolls a one-element array into a bare object, and prints nothing for an empty one. */
function listOf(v: unknown): unknown[] {
  return v === null || v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v];
}

/** Reads a query's output as JSON; the error names the query and shows how the output starts. */
function readJson(query: string, output: string): unknown {
  const body = output.replace(/^\ufeff/, '').trim(); // a BOM a host emitted at its first write
  try {
    return body === '' ? null : JSON.parse(body);
  } catch (error) {
    throw new Error(
      `PowerShell ${query} query printed output that is not JSON (${(error as Error).message}); starts with ${JSON.stringify(output.slice(0, 60))}`,
    );
  }
}

/** Checks parsed output against the agent's shape `name`; the error names the query and the first offending field. */
export function checkPowerShellJson<K extends CheckName>(query: string, json: unknown, name: K): Checked<K> {
  const verdict = check(name, json);
  if (!verdict.ok) {
    const first = verdict.errors[0];
    throw new Error(
      `PowerShell ${query} query printed JSON of an unexpected shape at ${first ? formatFieldErrors([first]) : '(root): invalid'}`.replace(
        /at \(root\)/,
        'at /',
      ),
    );
  }
  return verdict.value;
}

/** Python's platform.platform() style the deployed agent sends: Windows-10-10.0.19045, Windows-11-..., Windows-2022Server-... */
function platformString(caption: string, version: string, productType: number | null | undefined): string {
  const build = Number(version.split('.')[2] ?? 0);
  const server = /Server (\d{4})/.exec(caption);
  if (server || (productType !== null && productType !== undefined && productType !== 1)) return `Windows-${server?.[1] ?? ''}Server-${version}`;
  return `Windows-${build >= 22000 ? 11 : 10}-${version}`;
}

/** Win32_ComputerSystem and friends to the contract's system section: a domain member has a domain, else a workgroup. */
export function parseSystem(output: string): NonNullable<InventorySections['system']> {
  const raw = checkPowerShellJson('system', readJson('system', output), 'windowsSystem');
  const s = {
    ...raw,
    DNSHostName: text(raw.DNSHostName),
    Domain: text(raw.Domain),
    Workgroup: text(raw.Workgroup),
    Caption: text(raw.Caption),
    OSArchitecture: text(raw.OSArchitecture),
    ProductType: count(raw.ProductType),
  };
  const processor = (text(raw.ProcessorIdentifier) ?? text(raw.ProcessorName) ?? '').trim();
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
  const rows = checkPowerShellJson('disks', listOf(readJson('disks', output)), 'windowsDisks');
  return rows.slice(0, limits.disksMax).map((raw) => {
    const d = {
      ...raw,
      DeviceId: text(raw.DeviceId),
      FriendlyName: text(raw.FriendlyName),
      Model: text(raw.Model),
      BusType: text(raw.BusType),
      HealthStatus: text(raw.HealthStatus),
      ReadErrorsUncorrected: count(raw.ReadErrorsUncorrected),
      WriteErrorsUncorrected: count(raw.WriteErrorsUncorrected),
    };
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
  const json = readJson('bitlocker', output);
  // Volumes and each volume's RecoveryPasswords may come unrolled (one) or empty (none): made lists before the check.
  const listed =
    json !== null && typeof json === 'object' && !Array.isArray(json)
      ? {
          ...json,
          Volumes: listOf((json as { Volumes?: unknown }).Volumes).map((v) =>
            v !== null && typeof v === 'object' && 'RecoveryPasswords' in v ? { ...v, RecoveryPasswords: listOf(v.RecoveryPasswords) } : v,
          ),
        }
      : json;
  const b = checkPowerShellJson('bitlocker', listed, 'windowsBitLocker');
  if (!b.Supported) return { supported: false, protected_volumes: 0, volumes: [] };
  const volumes: BitLockerVolume[] = b.Volumes.slice(0, limits.volumesMax).map((raw) => {
    const v = { ...raw, ProtectionStatus: text(raw.ProtectionStatus), EncryptionMethod: text(raw.EncryptionMethod) };
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

/** Registry Uninstall entries to raw programs: hidden system components dropped, mojibake repaired. */
export function parsePrograms(output: string): RawProgram[] {
  const rows = checkPowerShellJson('programs', listOf(readJson('programs', output)), 'windowsPrograms');
  return rows
    .filter((r) => count(r.SystemComponent) !== 1)
    .map((r) => {
      const name = text(r.DisplayName);
      const publisher = text(r.Publisher);
      return {
        name: name === null ? null : repairMojibake(name),
        version: text(r.DisplayVersion),
        publisher: publisher === null ? null : repairMojibake(publisher),
      };
    });
}
