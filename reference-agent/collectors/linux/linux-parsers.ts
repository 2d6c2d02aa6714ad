import { limits, type PhysicalDisk } from '@lanet/contracts';
import { check } from '../../checks/agent-checks.js';
import { bytesToGb } from '../exec-text.js';
import type { RawProgram } from '../normalize-programs.js';

/** One disk lsblk lists, before SMART is known (size in bytes: lsblk -b prints a number, older util-linux a string). */
export interface LsblkDisk {
  name: string;
  model?: string | null;
  tran?: string | null;
  size: number | null;
  rota?: boolean | string | number | null;
  type: string;
}

// Kernel devices that are not physical disks: RAM-backed swap, loop mounts, ramdisks.
const NOT_PHYSICAL = /^(zram|loop|ram|sr|fd)\d*/;

/** Parses `lsblk -J -b -o NAME,MODEL,TRAN,SIZE,ROTA,TYPE` and keeps the physical disks. */
export function parseLsblk(json: string): LsblkDisk[] {
  // The shape is checked by checks/agent-schemas.ts (LsblkDeviceSchema); a string size becomes a number after it.
  const parsed = check('lsblk', JSON.parse(json));
  if (!parsed.ok) throw new Error(`lsblk printed JSON of an unexpected shape: ${parsed.errors[0]?.path || '(root)'} ${parsed.errors[0]?.message ?? 'invalid'}`);
  return parsed.value.blockdevices
    .map((d) => ({ ...d, size: d.size === null || d.size === undefined ? null : Number(d.size) }))
    .filter((d) => d.type === 'disk' && !NOT_PHYSICAL.test(d.name) && (d.size ?? 0) > 0);
}

/** Maps lsblk's transport (and the device name when the transport is empty) to the seed's interface words. */
export function interfaceType(disk: LsblkDisk): string {
  const tran = (disk.tran ?? '').toLowerCase();
  const known: Record<string, string> = {
    nvme: 'NVMe',
    sata: 'SATA',
    ata: 'ATA',
    sas: 'SAS',
    usb: 'USB',
    scsi: 'SCSI',
    mmc: 'MMC',
    iscsi: 'iSCSI',
    fc: 'FibreChannel',
  };
  if (known[tran]) return known[tran];
  if (disk.name.startsWith('nvme')) return 'NVMe';
  if (/^(vd|xvd)/.test(disk.name)) return 'Virtual';
  return 'Unknown';
}

/** SMART verdict from `smartctl -j -H -i`: passed gives Healthy/OK, failed gives Unhealthy/Pred Fail. */
export function parseSmartctl(json: string): { health: PhysicalDisk['health_status']; smart: string; model?: string } {
  const parsed = check('smartctl', JSON.parse(json));
  if (!parsed.ok || parsed.value.smart_status === undefined) return { health: 'Unknown', smart: 'Unknown' };
  const passed = parsed.value.smart_status.passed;
  return { health: passed ? 'Healthy' : 'Unhealthy', smart: passed ? 'OK' : 'Pred Fail', model: parsed.value.model_name };
}

/** Builds the contract's disk entry from lsblk plus an optional SMART reading. */
export function toPhysicalDisk(disk: LsblkDisk, smart?: ReturnType<typeof parseSmartctl>): PhysicalDisk {
  const model = (disk.model ?? smart?.model ?? '').trim().slice(0, limits.modelMax);
  return {
    device: `/dev/${disk.name}`,
    model,
    interface_type: interfaceType(disk),
    health_status: smart?.health ?? 'Unknown',
    smart_status: smart?.smart ?? 'Unknown',
    total_gb: bytesToGb(disk.size ?? 0),
  };
}

/** Parses `dpkg-query -W -f='${binary:Package}\t${Version}\t${Maintainer}\n'` (or rpm's same three columns). */
export function parsePackageList(text: string): RawProgram[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [name, version, publisher] = line.split('\t');
      return { name: name ?? null, version: version ?? null, publisher: publisher ?? null };
    });
}
