import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cpuPercent, cpuTimes, linuxMount, memoryBytes, volumeBytes } from './host-metrics.js';
import { metricsCollector } from './metrics-collector.js';

const dir = mkdtempSync(join(tmpdir(), 'lanet-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('host metrics without systeminformation (PERF-3)', () => {
  it('CPU percent between two readings; 0 when no time passed; clamped', () => {
    expect(cpuPercent({ busy: 100, total: 1000 }, { busy: 350, total: 2000 })).toBe(25);
    expect(cpuPercent({ busy: 100, total: 1000 }, { busy: 100, total: 1000 })).toBe(0);
    const now = cpuTimes();
    expect(now.total).toBeGreaterThan(now.busy);
  });

  it('memory from MemAvailable on Linux, os figures elsewhere or when /proc is unreadable', async () => {
    const meminfo = file('meminfo', 'MemTotal:       16303884 kB\nMemFree:         1000000 kB\nMemAvailable:    8151942 kB\n');
    expect(await memoryBytes('linux', meminfo)).toEqual({ total: 16303884 * 1024, available: 8151942 * 1024 });
    expect(await memoryBytes('linux', join(dir, 'missing'))).toEqual({ total: os.totalmem(), available: expect.any(Number) });
    expect((await memoryBytes('win32')).total).toBe(os.totalmem());
  });

  it('the device and type mounted at /, the last mount winning; escaped spaces; absent mount', async () => {
    const mounts = file('mounts', 'sysfs /sys sysfs rw 0 0\n/dev/sda1 / ext4 rw 0 0\noverlay / overlay rw 0 0\n/dev/sdb1 /mnt/my\\040disk xfs rw 0 0\n');
    expect(await linuxMount('/', mounts)).toEqual({ device: 'overlay', fstype: 'overlay' });
    expect(await linuxMount('/mnt/my disk', mounts)).toEqual({ device: '/dev/sdb1', fstype: 'xfs' });
    expect(await linuxMount('/nowhere', mounts)).toBeUndefined();
  });

  it('volume sizes as df computes them; a missing path fails with the reason', async () => {
    const v = await volumeBytes('/');
    expect(v.size).toBeGreaterThan(0);
    expect(v.used + v.available).toBeLessThanOrEqual(v.size);
    await expect(volumeBytes(join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
  });

  it('the metrics collector yields a status and a system volume from these', async () => {
    const result = await metricsCollector('linux').collect(new AbortController().signal);
    expect(result.sections.status?.status).toBe('online');
    expect(result.sections.disk?.total_gb).toBeGreaterThan(0);
    expect(result.sections.disk?.fstype).not.toBe('');
  });
});
