import { z } from 'zod';
import { limits, type PhysicalDisk } from '@lanet/contracts';
import { bytesToGb } from '../exec-text.js';
import type { RawProgram } from '../normalize-programs.js';

// lsblk -J prints sizes as numbers with -b, but older util-linux prints them as strings: accept both.
const LsblkDeviceSchema = z.object({
  name: z.string().min(1),
  model: z.string().nullable().optional(),
  tran: z.string().nullable().optional(),
  size: z
    .union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
    .nullable()
    .optional(),
  rota: z.union([z.boolean(), z.string(), z.number()]).nullable().optional(),
  type: z.string(),
});
const LsblkSchema = z.object({ blockdevices: z.array(LsblkDeviceSchema) });

/** One disk lsblk lists, before SMART is known. */
export type LsblkDisk = z.infer<typeof LsblkDeviceSchema>;

// Kernel devices that are not physical disks: RAM-backed swap, loop mounts, ramdisks.
const NOT_PHYSICAL = /^(zram|loop|ram|sr|fd)\d*/;

/** Parses `lsblk -J -b -o NAME,MODEL,TRAN,SIZE,ROTA,TYPE` and keeps the physical disks. */
export function parseLsblk(json: string): LsblkDisk[] {
  const parsed = LsblkSchema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new Error(`lsblk printed JSON of an unexpected shape: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data.blockdevices.filter((d) => d.type === 'disk' && !NOT_PHYSICAL.test(d.name) && (d.size ?? 0) > 0);
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

const SmartctlSchema = z.object({
  smart_status: z.object({ passed: z.boolean() }).optional(),
  model_name: z.string().optional(),
});

/** SMART verdict from `smartctl -j -H -i`: passed gives Healthy/OK, failed gives Unhealthy/Pred Fail. */
export function parseSmartctl(json: string): { health: PhysicalDisk['health_status']; smart: string; model?: string } {
  const parsed = SmartctlSchema.safeParse(JSON.parse(json));
  if (!parsed.success || parsed.data.smart_status === undefined) return { health: 'Unknown', smart: 'Unknown' };
  const passed = parsed.data.smart_status.passed;
  return { health: passed ? 'Healthy' : 'Unhealthy', smart: passed ? 'OK' : 'Pred Fail', model: parsed.data.model_name };
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
