import fc from 'fast-check';
import type { z } from 'zod';
import type { BitLockerInfoSchema, BitLockerVolume, MemoryInfoSchema, PhysicalDisk, SystemInfoSchema, SystemVolumeSchema } from '../index.js';
import { limits } from '../index.js';
import { withExtras } from './extra-fields.js';
import { usageArbitrary } from './numbers.js';
import { diskModels, encryptionMethods, fileSystems } from './storage-catalog.js';
import { unicodeText } from './unicode-text.js';
import { architectures, domains, hostnameStems, platformStrings, processors, windowsReleases, workgroups } from './windows-catalog.js';
import type { CpuVendor } from './windows-catalog.js';

type SystemInfo = z.infer<typeof SystemInfoSchema>;
type MemoryInfo = z.infer<typeof MemoryInfoSchema>;
type SystemVolume = z.infer<typeof SystemVolumeSchema>;
type BitLockerInfo = z.infer<typeof BitLockerInfoSchema>;

const hostnameArbitrary: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(fc.constantFrom(...hostnameStems), fc.string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'), minLength: 2, maxLength: 7 }))
      .map(([s, x]) => `${s}-${x}`),
  },
  { weight: 1, arbitrary: unicodeText({ minLength: 1, maxLength: 63, maxGraphemes: 20 }) },
);

/** Host identity: a real Windows build, an Intel/AMD/ARM processor with a matching architecture, domain xor workgroup. */
export function systemInfoArbitrary(extras: boolean): fc.Arbitrary<SystemInfo> {
  const vendor = fc.constantFrom<CpuVendor>('intel', 'intel', 'amd', 'arm');
  const cpu = vendor.chain((v) =>
    fc.record({
      // Some virtual machines report an empty processor string; the contract allows it.
      processor: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...processors[v]) }, { weight: 1, arbitrary: fc.constant('') }),
      architecture: fc.constantFrom(...architectures[v]),
    }),
  );
  const membership = fc.oneof(
    fc.constantFrom(...domains).map((domain) => ({ domain, workgroup: null })),
    fc.constantFrom(...workgroups).map((workgroup) => ({ domain: null, workgroup })),
  );
  const platform = fc.constantFrom(...windowsReleases).chain((r) => fc.constantFrom(...platformStrings(r)));
  return withExtras(
    fc.tuple(hostnameArbitrary, platform, cpu, membership).map(([hostname, p, c, m]) => ({ hostname, platform: p, ...c, ...m })),
    extras,
  );
}

/** Installed RAM sizes as Windows reports them (usable GB, so some are fractional). */
const memoryTotals = [2, 4, 7.84, 8, 15.73, 16, 31.69, 32, 64, 127.7, 128, 256, 512, 1024, 4096, limits.memoryGbMax];

/** Memory totals with used <= total, available the rest and usage_percent = used/total*100. */
export function memoryInfoArbitrary(extras: boolean): fc.Arbitrary<MemoryInfo> {
  return withExtras(
    fc
      .constantFrom(...memoryTotals)
      .chain(usageArbitrary)
      .map((u) => ({ total_gb: u.total, available_gb: u.available, used_gb: u.used, usage_percent: u.percent })),
    extras,
  );
}

/** The system volume: C:\ mostly, sized like the disks in the catalogue, usage consistent. */
export function systemVolumeArbitrary(extras: boolean): fc.Arbitrary<SystemVolume> {
  const total = fc.oneof(
    fc.constantFrom(...diskModels.flatMap((d) => d.capacitiesGb)),
    fc.integer({ min: 1, max: 100_000 }).map((n) => n / 10),
  );
  return withExtras(
    fc
      .tuple(
        fc.constantFrom('C:\\', 'C:\\', 'C:\\', 'D:\\', '\\\\?\\Volume{4c1b02c1-d990-11dc-99ae-806e6f6e6963}\\'),
        fc.constantFrom(...fileSystems),
        total.chain(usageArbitrary),
      )
      .map(([device, fstype, u]) => ({ device, fstype, total_gb: u.total, used_gb: u.used, usage_percent: u.percent })),
    extras,
  );
}

/** SMART verdicts that go with each Get-PhysicalDisk health state. */
const smartFor: Record<PhysicalDisk['health_status'], readonly string[]> = {
  Healthy: ['OK'],
  Warning: ['OK', 'Pred Fail'],
  Unhealthy: ['Pred Fail', 'Bad'],
  Critical: ['Pred Fail', 'Bad'],
  Unknown: ['Unknown'],
};

/** One physical disk from the catalogue (NVMe, SATA, USB, SAS, RAID, virtual), named by model or PHYSICALDRIVEn. */
function physicalDiskArbitrary(index: number, extras: boolean): fc.Arbitrary<PhysicalDisk> {
  const health = fc.constantFrom<PhysicalDisk['health_status']>('Healthy', 'Healthy', 'Healthy', 'Healthy', 'Warning', 'Unhealthy', 'Critical', 'Unknown');
  return withExtras(
    fc.tuple(fc.constantFrom(...diskModels), fc.boolean(), health, fc.nat(), fc.boolean()).chain(([model, byModel, health_status, pick, withUsage]) => {
      const total = model.capacitiesGb[pick % model.capacitiesGb.length]!;
      return usageArbitrary(total).map((u): PhysicalDisk => {
        const smart = smartFor[health_status];
        const disk: PhysicalDisk = {
          device: byModel ? model.model : `\\\\.\\PHYSICALDRIVE${index}`,
          model: model.model,
          interface_type: model.bus,
          health_status,
          smart_status: smart[pick % smart.length]!,
          total_gb: total,
        };
        // A disk holding several volumes has no single used figure (the contract makes both optional).
        return withUsage ? { ...disk, used_gb: u.used, usage_percent: u.percent } : disk;
      });
    }),
    extras,
  );
}

/** Several disks: usually 1-3, sometimes none, now and then a JBOD server up to the contract's 64. */
export function physicalDisksArbitrary(extras: boolean): fc.Arbitrary<PhysicalDisk[]> {
  const count = fc.oneof(
    { weight: 10, arbitrary: fc.integer({ min: 1, max: 3 }) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 8 }) },
    { weight: 1, arbitrary: fc.integer({ min: 9, max: limits.disksMax }) },
  );
  return count.chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => physicalDiskArbitrary(i, extras)))).map((disks) => [...disks]);
}

/** A BitLocker numerical recovery password: 8 groups of 6 digits (55 characters), or the seed's placeholder. */
const recoveryKeyArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(
      fc.integer({ min: 0, max: 720_895 }).map((n) => String(n).padStart(6, '0')),
      { minLength: 8, maxLength: 8 },
    )
    .map((g) => g.join('-')),
  fc.constant('encrypted-key-data'),
);

/** One BitLocker volume; the recovery key is mostly absent (ESC-3: sent only when it changed or was asked for). */
function bitLockerVolumeArbitrary(driveLetter: string, extras: boolean): fc.Arbitrary<BitLockerVolume> {
  return withExtras(
    fc.constantFrom<BitLockerVolume['protection_status']>('Protected', 'Protected', 'Unprotected', 'Unknown').chain((protection_status) =>
      fc
        .record(
          {
            encryption_method: protection_status === 'Protected' ? fc.constantFrom(...encryptionMethods) : fc.constantFrom('None', null),
            recovery_key: protection_status === 'Protected' ? fc.option(recoveryKeyArbitrary, { nil: null }) : fc.constant(null),
          },
          { requiredKeys: [], noNullPrototype: true },
        )
        .map((rest) => ({ drive_letter: driveLetter, protection_status, ...rest })),
    ),
    extras,
  );
}

const DRIVE_LETTERS = ['C:', 'D:', 'E:', 'F:', 'G:', 'C:\\Mount\\Data'];

/** BitLocker on (1-6 volumes, protected_volumes counted from them), off, or unsupported (Home editions). */
export function bitLockerInfoArbitrary(extras: boolean): fc.Arbitrary<BitLockerInfo> {
  const unsupported = fc.constant<BitLockerInfo>({ supported: false, protected_volumes: 0, volumes: [] });
  const supported = fc
    .integer({ min: 1, max: DRIVE_LETTERS.length })
    .chain((n) => fc.tuple(...DRIVE_LETTERS.slice(0, n).map((letter) => bitLockerVolumeArbitrary(letter, extras))))
    .map(
      (volumes): BitLockerInfo => ({
        supported: true,
        protected_volumes: volumes.filter((v) => v.protection_status === 'Protected').length,
        volumes: [...volumes],
      }),
    );
  return withExtras(fc.oneof({ weight: 3, arbitrary: supported }, { weight: 1, arbitrary: unsupported }), extras);
}
