import type { Collector } from './collector-types.js';
import { bytesToGb, percent, sleep } from './exec-text.js';
import { cpuPercent, cpuTimes, memoryBytes, volumeBytes, linuxMount } from './host-metrics.js';

/** The mount holding the OS: C: on Windows (the seed's "C:\\"), / elsewhere. */
export function systemMount(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? (process.env.SystemDrive ?? 'C:') : '/';
}

/**
 * Live metrics, the seed's `status` block: CPU over a 1 s sample (two readings 1 s apart), memory in use and
 * system-volume usage; also the system volume itself (`disk`). Read from Node and the kernel (host-metrics.ts).
 */
export function metricsCollector(platform: NodeJS.Platform = process.platform): Collector {
  return {
    name: 'metrics',
    timeoutMs: 10_000,
    async collect(signal) {
      const before = cpuTimes();
      await sleep(1000, signal);
      const cpu = cpuPercent(before, cpuTimes());
      const mount = systemMount(platform);
      const [mem, volume, mounted] = await Promise.all([
        memoryBytes(platform),
        volumeBytes(platform === 'win32' ? `${mount}\\` : mount),
        platform === 'win32' ? undefined : linuxMount(mount),
      ]);
      const diskUsage = percent(volume.used, volume.used + volume.available > 0 ? volume.used + volume.available : volume.size);
      return {
        sections: {
          status: { cpu_usage: cpu, memory_usage: percent(mem.total - mem.available, mem.total), disk_usage: diskUsage, status: 'online' },
          disk: {
            // Windows boots only from NTFS, so its system volume is NTFS; elsewhere /proc/mounts names device and type.
            device: platform === 'win32' ? `${mount}\\` : (mounted?.device ?? mount),
            fstype: (platform === 'win32' ? 'NTFS' : (mounted?.fstype ?? '')).slice(0, 32),
            total_gb: bytesToGb(volume.size),
            used_gb: bytesToGb(volume.used),
            usage_percent: diskUsage,
          },
        },
      };
    },
  };
}

/** Physical memory totals in GB; "available" is what the OS can hand out without swapping (MemAvailable). */
export function memoryCollector(): Collector {
  return {
    name: 'memory',
    timeoutMs: 5_000,
    async collect() {
      const mem = await memoryBytes();
      return {
        sections: {
          memory: {
            total_gb: bytesToGb(mem.total),
            available_gb: bytesToGb(mem.available),
            used_gb: bytesToGb(mem.total - mem.available),
            usage_percent: percent(mem.total - mem.available, mem.total),
          },
        },
      };
    },
  };
}
