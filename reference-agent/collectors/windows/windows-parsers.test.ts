import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BitLockerInfoSchema, InstalledProgramSchema, PhysicalDiskSchema, SystemInfoSchema, limits } from '@lanet/contracts';
import { normalizePrograms } from '../normalize-programs.js';
import { decodePowerShellBytes, repairMojibake } from './powershell-decoding.js';
import { parseBitLocker, parseDisks, parsePrograms, parseSystem } from './windows-parsers.js';

const WIN10 = 'win10-home-workgroup-sata';
const WIN11 = 'win11-domain-nvme';
const SERVER = 'server2022-domain-raid';
const recorded = (machine: string, query: string) => decodePowerShellBytes(readFileSync(new URL(`./fixtures/${machine}/${query}.json`, import.meta.url)));

describe('system (Win32_ComputerSystem): domain or workgroup', () => {
  it('Windows 10 Home in a workgroup', () => {
    const s = parseSystem(recorded(WIN10, 'system'));
    expect(s).toEqual({
      hostname: 'DESKTOP-7QK2M1B',
      platform: 'Windows-10-10.0.19045',
      processor: 'Intel64 Family 6 Model 142 Stepping 10, GenuineIntel',
      architecture: '64bit',
      domain: null,
      workgroup: 'WORKGROUP',
    });
    expect(SystemInfoSchema.safeParse(s).success).toBe(true);
  });

  it('Windows 11 in a domain', () => {
    expect(parseSystem(recorded(WIN11, 'system'))).toMatchObject({
      hostname: 'lt-0042',
      platform: 'Windows-11-10.0.26100',
      domain: 'corp.example.com',
      workgroup: null,
    });
  });

  it('Server 2022 in a domain, recorded as a UTF-16LE stream with BOM', () => {
    expect(parseSystem(recorded(SERVER, 'system'))).toMatchObject({
      hostname: 'fs01',
      platform: 'Windows-2022Server-10.0.20348',
      domain: 'ad.example.org',
      workgroup: null,
    });
  });

  it('refuses output that is not what the script prints, naming the field', () => {
    expect(() => parseSystem('{"Name":"PC","PartOfDomain":"yes","Version":"10.0.1"}')).toThrow(/system query .*\/PartOfDomain/);
    expect(() => parseSystem('WARNING: something\r\n')).toThrow(/not JSON/);
  });
});

describe('disks (Get-PhysicalDisk, Get-StorageReliabilityCounter)', () => {
  it('SATA SSD healthy and a SATA HDD predicting failure', () => {
    const disks = parseDisks(recorded(WIN10, 'disks'));
    expect(disks.map((d) => [d.model, d.interface_type, d.health_status, d.smart_status, d.total_gb])).toEqual([
      ['Samsung SSD 860 EVO 500GB', 'SATA', 'Healthy', 'OK', 465.7],
      ['ST1000LM035-1RK172', 'SATA', 'Warning', 'Pred Fail', 931.3],
    ]);
  });

  it('one NVMe disk that PowerShell 5.1 unrolled from an array into a bare object', () => {
    expect(parseDisks(recorded(WIN11, 'disks'))).toEqual([
      {
        device: 'WD_BLACK SN850X 1000GB',
        model: 'WD_BLACK SN850X 1000GB',
        interface_type: 'NVMe',
        health_status: 'Healthy',
        smart_status: 'OK',
        total_gb: 931.3,
      },
    ]);
  });

  it('numeric BusType and HealthStatus enums (NVMe, RAID, SATA unhealthy)', () => {
    const disks = parseDisks(recorded(SERVER, 'disks'));
    expect(disks.map((d) => [d.interface_type, d.health_status, d.smart_status])).toEqual([
      ['NVMe', 'Healthy', 'OK'],
      ['RAID', 'Healthy', 'OK'],
      ['SATA', 'Unhealthy', 'Pred Fail'],
    ]);
    for (const d of disks) expect(PhysicalDiskSchema.safeParse(d).success).toBe(true);
  });

  it('refuses a negative size instead of sending it', () => {
    expect(() => parseDisks('[{"DeviceId":"0","FriendlyName":"X","Size":-1}]')).toThrow(/disks query .*\/0\/Size/);
  });
});

describe('BitLocker (Get-BitLockerVolume, Win32_EncryptableVolume): on, off and absent', () => {
  it('absent on Windows 10 Home: supported=false, no volumes', () => {
    expect(parseBitLocker(recorded(WIN10, 'bitlocker'))).toEqual({ supported: false, protected_volumes: 0, volumes: [] });
  });

  it('on for C: and off for D: via Get-BitLockerVolume, with the recovery password (UTF-8 BOM stream)', () => {
    const b = parseBitLocker(recorded(WIN11, 'bitlocker'));
    expect(b).toEqual({
      supported: true,
      protected_volumes: 1,
      volumes: [
        {
          drive_letter: 'C:',
          protection_status: 'Protected',
          encryption_method: 'XTS-AES-256',
          recovery_key: '123456-234567-345678-456789-567890-678901-789012-890123',
        },
        { drive_letter: 'D:', protection_status: 'Unprotected', encryption_method: null, recovery_key: null },
      ],
    });
    expect(BitLockerInfoSchema.safeParse(b).success).toBe(true);
  });

  it('numeric Win32_EncryptableVolume statuses, a volume GUID path, and a bare string where an array was expected', () => {
    const b = parseBitLocker(recorded(SERVER, 'bitlocker'));
    expect(b.protected_volumes).toBe(1);
    expect(b.volumes.map((v) => [v.protection_status, v.encryption_method, v.recovery_key !== null])).toEqual([
      ['Protected', 'AES-128', true],
      ['Unprotected', null, false],
      ['Unknown', 'XTS-AES-256', false],
    ]);
  });

  it('refuses a volume without a mount point', () => {
    expect(() => parseBitLocker('{"Supported":true,"Source":"x","Volumes":[{"ProtectionStatus":"On"}]}')).toThrow(/\/Volumes\/0\/MountPoint/);
  });
});

describe('installed programs (registry Uninstall keys, WOW6432Node, user hives)', () => {
  it.each([
    [WIN10, 100],
    [WIN11, 300],
    [SERVER, 400],
  ])('%s: all programs, deduplicated and sorted, valid, no hidden components', (machine, atLeast) => {
    const list = normalizePrograms(parsePrograms(recorded(machine, 'programs')));
    expect(list.installed_programs.length).toBeGreaterThan(atLeast);
    expect(list.installed_programs.length).toBeLessThanOrEqual(limits.programsMax);
    expect(list.installed_programs_truncated).toBe(false);
    const names = list.installed_programs.map((p) => p.name);
    expect(names).not.toContain('Microsoft Office 64-bit Components 2016');
    expect(names.filter((n) => n === 'Google Chrome')).toHaveLength(1);
    expect(names).toContain('Padded Name With Control Char');
    for (const p of list.installed_programs) expect(InstalledProgramSchema.safeParse(p).success).toBe(true);
    const sorted = [...names].sort(new Intl.Collator('en', { sensitivity: 'base', numeric: true }).compare);
    expect(names).toEqual(sorted);
  });

  it('repairs installer mojibake and keeps correct Unicode (UTF-16LE stream on Server 2022)', () => {
    const names = parsePrograms(recorded(SERVER, 'programs')).map((p) => p.name);
    expect(names).toContain('Outil de capture d’écran Pro');
    expect(names).toContain('Müller Zeiterfassung Client');
    expect(names).toContain('Éditeur de factures');
    expect(names).toContain('日本語入力システム');
    expect(names).toContain('Sägewerk Planer 2024');
    expect(names.some((n) => typeof n === 'string' && /Ã|â€/.test(n))).toBe(false);
  });

  it('a numeric DisplayVersion becomes a string; repairMojibake leaves text that is not mojibake alone', () => {
    expect(parsePrograms(recorded(WIN10, 'programs')).find((p) => p.name === 'Legacy Installer With Numeric Version')?.version).toBe('7');
    expect(repairMojibake('Société Exemple')).toBe('Société Exemple');
    expect(repairMojibake('Ã plain')).toBe('Ã plain');
  });
});

describe('Uninstall entries recorded on real machines (fixtures/real-world, sources in its README)', () => {
  const real = readFileSync(new URL('./fixtures/real-world/glpi-agent-programs.json', import.meta.url), 'utf8');

  it('every entry survives: KB updates with DisplayVersion "1", a missing DisplayVersion, localized names; valid, sorted', () => {
    const list = normalizePrograms(parsePrograms(real));
    expect(list.installed_programs).toHaveLength(17);
    for (const p of list.installed_programs) expect(InstalledProgramSchema.safeParse(p).success).toBe(true);
    expect(list.installed_programs).toContainEqual({ name: 'Microsoft Office 2010 Service Pack 1 (SP1)', version: null, publisher: 'Microsoft' });
    expect(list.installed_programs).toContainEqual({ name: 'Update for Windows XP (KB951072-v2)', version: '2', publisher: 'Microsoft Corporation' });
    expect(list.installed_programs).toContainEqual({ name: 'Mozilla Firefox 57.0.2 (fr)', version: '57.0.2', publisher: 'Mozilla' });
    const names = list.installed_programs.map((p) => p.name);
    expect(names).toEqual([...names].sort(new Intl.Collator('en', { sensitivity: 'base', numeric: true }).compare));
    // Numeric collation: KB951072 sorts before KB2641690 because 951072 < 2641690, not by the first digit.
    expect(names.indexOf('Update for Windows XP (KB951072-v2)')).toBeLessThan(names.indexOf('Update for Windows XP (KB2641690)'));
  });

  it('the same entries as PowerShell 5.1 prints one of them: a bare object, not a one-element array', () => {
    const one = JSON.stringify((JSON.parse(real) as unknown[])[5]);
    expect(parsePrograms(one)).toEqual([{ name: 'Git version 2.12.2.2', version: '2.12.2.2', publisher: 'The Git Development Community' }]);
  });
});

describe('Get-PhysicalDisk and reliability counters seen on real machines (fixtures/real-world, sources in its README)', () => {
  const pool = readFileSync(new URL('./fixtures/real-world/physicaldisk-win10-storage-pool.json', import.meta.url), 'utf8');
  const emptyCounters = JSON.parse(readFileSync(new URL('./fixtures/real-world/reliability-counter-win10-empty.json', import.meta.url), 'utf8')) as object;

  it('a Windows 10 desktop with a Storage Spaces pool: four disks, one renamed "... SCSI Disk Device", the bus shown for one only', () => {
    const disks = parseDisks(pool);
    for (const d of disks) expect(PhysicalDiskSchema.safeParse(d).success).toBe(true);
    expect(disks.map((d) => [d.device, d.model, d.interface_type, d.health_status, d.smart_status, d.total_gb])).toEqual([
      ['TOSHIBA DT01ACA200', 'TOSHIBA DT01ACA200', 'SATA', 'Healthy', 'OK', 1863.7],
      ['INTEL SSDSC2CT120A3', 'INTEL SSDSC2CT120A3', 'Unknown', 'Healthy', 'OK', 111.8],
      ['WDC WD20 EZRZ-00Z5HB0 SCSI Disk Device', 'WDC WD20 EZRZ-00Z5HB0 SCSI Disk Device', 'Unknown', 'Healthy', 'OK', 1863.7],
      ['WDC WD20EZRZ-00Z5HB0', 'WDC WD20EZRZ-00Z5HB0', 'Unknown', 'Healthy', 'OK', 1863.7],
    ]);
  });

  it('Windows 10 answering Get-StorageReliabilityCounter with empty counters (only Wear 0): health decides, SMART is OK', () => {
    const [first] = JSON.parse(pool) as object[];
    const [disk] = parseDisks(JSON.stringify([{ ...first, ...emptyCounters }]));
    expect(disk).toMatchObject({ device: 'TOSHIBA DT01ACA200', health_status: 'Healthy', smart_status: 'OK' });
  });
});

describe('Win32_ComputerSystem, Win32_OperatingSystem, Win32_Processor of a real machine (fixtures/real-world, sources in its README)', () => {
  const zbook = readFileSync(new URL('./fixtures/real-world/system-win11-pro-hp-zbook.json', import.meta.url), 'utf8');

  it('an Entra ID-joined Windows 11 Pro laptop: not PartOfDomain, so a workgroup; the DNS host name keeps its case', () => {
    const s = parseSystem(zbook);
    expect(s).toEqual({
      hostname: 'hpFirefly16P',
      platform: 'Windows-11-10.0.22621',
      processor: '13th Gen Intel(R) Core(TM) i7-1370P',
      architecture: '64bit',
      domain: null,
      workgroup: 'WORKGROUP',
    });
    expect(SystemInfoSchema.safeParse(s).success).toBe(true);
  });
});

describe('BitLocker seen on real machines (fixtures/real-world, sources in its README)', () => {
  const vm = readFileSync(new URL('./fixtures/real-world/bitlocker-getbitlockervolume-win-vm.json', import.meta.url), 'utf8');
  const cim = readFileSync(new URL('./fixtures/real-world/bitlocker-encryptablevolume-lothlorien.json', import.meta.url), 'utf8');
  const expectedVm = {
    supported: true,
    protected_volumes: 1,
    volumes: [
      {
        drive_letter: 'C:',
        protection_status: 'Protected',
        encryption_method: 'XTS-AES-128',
        recovery_key: '254793-568007-425557-712855-251119-474815-445082-696212',
      },
      { drive_letter: 'E:', protection_status: 'Unprotected', encryption_method: null, recovery_key: null },
    ],
  };

  it('Get-BitLockerVolume with the enums as the source printed them (numbers): C: on with TPM + recovery password, E: off', () => {
    const b = parseBitLocker(vm);
    expect(b).toEqual(expectedVm);
    expect(BitLockerInfoSchema.safeParse(b).success).toBe(true);
  });

  it('the same volumes as our [string] casts print them (enum names): the same section', () => {
    // The BitLocker module's names for the numbers above (ProtectionStatus 1 On / 0 Off, VolumeStatus 1 FullyEncrypted /
    // 0 FullyDecrypted, EncryptionMethod 6 XtsAes128 / 0 None), which is what `[string]$v.X` prints.
    const names = { ProtectionStatus: ['Off', 'On'], VolumeStatus: ['FullyDecrypted', 'FullyEncrypted'], EncryptionMethod: { 0: 'None', 6: 'XtsAes128' } };
    const doc = JSON.parse(vm) as { Volumes: Array<{ ProtectionStatus: 0 | 1; VolumeStatus: 0 | 1; EncryptionMethod: 0 | 6 }> };
    const named = {
      ...doc,
      Volumes: doc.Volumes.map((v) => ({
        ...v,
        ProtectionStatus: names.ProtectionStatus[v.ProtectionStatus],
        VolumeStatus: names.VolumeStatus[v.VolumeStatus],
        EncryptionMethod: names.EncryptionMethod[v.EncryptionMethod],
      })),
    };
    expect(parseBitLocker(JSON.stringify(named))).toEqual(expectedVm);
  });

  it('Win32_EncryptableVolume (the fallback) on a machine with BitLocker never turned on: two volumes, both unprotected, no key', () => {
    const b = parseBitLocker(cim);
    expect(b).toEqual({
      supported: true,
      protected_volumes: 0,
      volumes: [
        { drive_letter: 'C:', protection_status: 'Unprotected', encryption_method: null, recovery_key: null },
        { drive_letter: 'D:', protection_status: 'Unprotected', encryption_method: null, recovery_key: null },
      ],
    });
    expect(BitLockerInfoSchema.safeParse(b).success).toBe(true);
  });
});
