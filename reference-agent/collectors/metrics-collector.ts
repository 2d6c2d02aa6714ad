import si from 'systeminformation';
import type { Collector } from './collector-types.js';
import { bytesToGb, percent, sleep } from './exec-text.js';

/** The mount holding the OS: C: on Windows (the seed's "C:\\"), / elsewhere. */
export function systemMount(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? (process.env.SystemDrive ?? 'C:') : '/';
}

/** Picks the system volume from systeminformation's fsSize list (Windows reports "C:", Linux "/"). */
export function pickSystemVolume(volumes: si.Systeminformation.FsSizeData[], mount: string): si.Systeminformation.FsSizeData | undefined {
  const wanted = mount.toUpperCase().replace(/\\$/, '');
  return volumes.find((v) => v.mount.toUpperCase().replace(/\\$/, '') === wanted) ?? volumes.find((v) => v.fs.toUpperCase() === wanted);
}

/**
 * Live metrics, the seed's `status` block: CPU over a 1 s sample (two readings 1 s apart), memory in use and
 * system-volume usage; also the system volume itself (`disk`), read from the same fsSize call.
 */
export function metricsCollector(platform: NodeJS.Platform = process.platform): Collector {
  return {
    name: 'metrics',
    timeoutMs: 10_000,
    async collect(signal) {
      await si.currentLoad(); // primes the counters: the next reading covers exactly the 1 s below
      await sleep(1000, signal);
      const [load, mem, volumes] = await Promise.all([si.currentLoad(), si.mem(), si.fsSize()]);
      const mount = systemMount(platform);
      const volume = pickSystemVolume(volumes, mount);
      if (!volume) throw new Error(`no file system mounted at ${mount} in systeminformation's fsSize list; check that the system volume is mounted`);
      const capacity = volume.used + volume.available > 0 ? volume.used + volume.available : volume.size;
      const diskUsage = percent(volume.used, capacity);
      return {
        sections: {
          status: {
            cpu_usage: Math.min(100, Math.max(0, Math.round(load.currentLoad * 10) / 10)),
            memory_usage: percent(mem.total - mem.available, mem.total),
            disk_usage: diskUsage,
            status: 'online',
          },
          disk: {
            device: platform === 'win32' ? `${mount}\\` : volume.fs,
            fstype: volume.type.slice(0, 32),
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
      const mem = await si.mem();
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
