import { readFile, statfs } from 'node:fs/promises';
import os from 'node:os';

// Host figures read straight from Node and the kernel, without systeminformation: on Windows its mem() and fsSize()
// start a PowerShell process each (twice per cycle, ~0.5 s of CPU and tens of MB each), and its 300 KiB of code
// alone costs the agent ~8 MB of RSS (PERF-3).

/** Busy and total CPU time over every core, in ms since boot. */
export interface CpuTimes {
  busy: number;
  total: number;
}

/** The CPU counters now (os.cpus(): user, nice, sys, irq, idle per core). */
export function cpuTimes(): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

/** CPU usage in percent between two readings (0 when no time passed), rounded to one decimal, kept in 0..100. */
export function cpuPercent(before: CpuTimes, after: CpuTimes): number {
  const total = after.total - before.total;
  if (!(total > 0)) return 0;
  return Math.min(100, Math.max(0, Math.round(((after.busy - before.busy) / total) * 1000) / 10));
}

/** Total and available physical memory in bytes: Linux's MemAvailable (what can be handed out without swapping), else os.freemem(). */
export async function memoryBytes(platform: NodeJS.Platform = process.platform, meminfo = '/proc/meminfo'): Promise<{ total: number; available: number }> {
  if (platform === 'linux') {
    const text = await readFile(meminfo, 'utf8').catch(() => '');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
    const total = kb('MemTotal');
    const available = kb('MemAvailable');
    if (Number.isFinite(total) && Number.isFinite(available)) return { total, available };
  }
  // Windows: os.freemem() is GlobalMemoryStatusEx's ullAvailPhys, the "Available" figure Task Manager shows.
  return { total: os.totalmem(), available: os.freemem() };
}

/** Size, used and available bytes of the file system holding `path`, as df computes them. */
export async function volumeBytes(path: string): Promise<{ size: number; used: number; available: number }> {
  const s = await statfs(path);
  const size = s.blocks * s.bsize;
  const used = (s.blocks - s.bfree) * s.bsize;
  return { size, used, available: s.bavail * s.bsize };
}

/** The device and file system type mounted at `mountPoint`, from /proc/mounts (the last mount there wins). */
export async function linuxMount(mountPoint: string, mounts = '/proc/mounts'): Promise<{ device: string; fstype: string } | undefined> {
  const text = await readFile(mounts, 'utf8').catch(() => '');
  let found: { device: string; fstype: string } | undefined;
  for (const line of text.split('\n')) {
    const [device, at, fstype] = line.split(' ');
    // /proc/mounts escapes spaces in paths as \040.
    if (device && fstype && at?.replace(/\\040/g, ' ') === mountPoint) found = { device, fstype };
  }
  return found;
}
