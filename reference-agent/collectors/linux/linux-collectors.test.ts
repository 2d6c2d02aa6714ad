import { readFileSync } from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { PhysicalDiskSchema } from '@lanet/contracts';
import { runCollectors } from '../run-collectors.js';
import { platformCollectors } from '../platform-collectors.js';
import { parseLsblk, parsePackageList, parseSmartctl, toPhysicalDisk } from './linux-parsers.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('Linux parsers on recorded outputs', () => {
  it('lsblk: keeps physical disks (NVMe, SATA, USB), drops loop, zram and optical drives', () => {
    const disks = parseLsblk(fixture('lsblk-nvme-sata.json')).map((d) => toPhysicalDisk(d));
    expect(disks.map((d) => [d.device, d.interface_type, d.total_gb])).toEqual([
      ['/dev/sda', 'SATA', 931.5],
      ['/dev/sdb', 'SATA', 3726],
      ['/dev/sdc', 'USB', 28.6],
      ['/dev/nvme0n1', 'NVMe', 931.5],
    ]);
    for (const disk of disks) expect(PhysicalDiskSchema.safeParse(disk).success).toBe(true);
  });

  it('lsblk: an unexpected shape is refused with a message, not trusted', () => {
    expect(() => parseLsblk('{"devices": []}')).toThrow(/unexpected shape/);
  });

  it('smartctl: passed, failed and unreadable verdicts', () => {
    expect(parseSmartctl(fixture('smartctl-passed.json'))).toMatchObject({ health: 'Healthy', smart: 'OK' });
    expect(parseSmartctl(fixture('smartctl-failed.json'))).toMatchObject({ health: 'Unhealthy', smart: 'Pred Fail' });
    expect(parseSmartctl('{}')).toEqual({ health: 'Unknown', smart: 'Unknown' });
  });

  it('dpkg-query: three tab-separated columns per package', () => {
    expect(parsePackageList('bash\t5.2.15-2+b7\tMatthias Klose <doko@debian.org>\nzlib1g:amd64\t1:1.2.13\t\n\n')).toEqual([
      { name: 'bash', version: '5.2.15-2+b7', publisher: 'Matthias Klose <doko@debian.org>' },
      { name: 'zlib1g:amd64', version: '1:1.2.13', publisher: '' },
    ]);
  });
});

describe('Linux collectors, run for real on this machine', () => {
  it("AG-5: report this host's hostname, memory, disks and programs, and name what cannot run here", async () => {
    const run = await runCollectors(platformCollectors('linux'));
    expect(run.sections.system?.hostname).toBe(os.hostname());
    expect(run.sections.memory?.total_gb).toBeCloseTo(os.totalmem() / 1024 ** 3, 0);
    expect(run.sections.disks?.length).toBeGreaterThan(0);
    expect(run.sections.software?.installed_programs?.length).toBeGreaterThan(0);
    expect(run.sections.bitlocker).toEqual({ supported: false, protected_volumes: 0, volumes: [] });
    expect(run.errors.map((e) => e.collector)).toContain('bitlocker');
    expect(run.timings.map((t) => t.collector)).toEqual(['agent', 'bitlocker', 'disks', 'memory', 'metrics', 'programs', 'system']);
  });
});
