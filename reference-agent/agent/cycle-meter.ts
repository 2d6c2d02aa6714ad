import os from 'node:os';

/** Resource figures of one cycle (PERF-2, PERF-3), logged with it and printed by --once. */
export interface CycleStats {
  /** Resident set size after the cycle, MB. */
  rss_mb: number;
  /** CPU time the process used during the cycle (collection and send), ms. */
  cpu_ms: number;
  /** That CPU time over the cycle's wall time, percent of one core. */
  cpu_percent_of_core: number;
  /** The same spread over all cores, as Task Manager shows it. */
  cpu_percent_of_machine: number;
  wall_ms: number;
  /** gzip size over raw size of the heartbeat body (PERF-2: about a quarter for the seed's payload). */
  gzip_ratio: number;
}

/** Measures CPU time, wall time and memory between begin() and end() with process.cpuUsage and memoryUsage. */
export class CycleMeter {
  private cpu: NodeJS.CpuUsage | undefined;
  private startedNs = 0n;
  private stats: CycleStats | undefined;

  constructor(private readonly cores: number = os.availableParallelism()) {}

  begin(): void {
    this.cpu = process.cpuUsage();
    this.startedNs = process.hrtime.bigint();
  }

  end(rawBytes: number, gzipBytes: number): CycleStats | undefined {
    if (!this.cpu) return undefined;
    const used = process.cpuUsage(this.cpu);
    const wallMs = Number(process.hrtime.bigint() - this.startedNs) / 1e6;
    const cpuMs = (used.user + used.system) / 1000;
    const ofCore = wallMs > 0 ? (cpuMs / wallMs) * 100 : 0;
    this.stats = {
      rss_mb: Math.round((process.memoryUsage.rss() / 1024 ** 2) * 10) / 10,
      cpu_ms: Math.round(cpuMs),
      cpu_percent_of_core: Math.round(ofCore * 10) / 10,
      cpu_percent_of_machine: Math.round((ofCore / this.cores) * 10) / 10,
      wall_ms: Math.round(wallMs),
      gzip_ratio: rawBytes > 0 ? Math.round((gzipBytes / rawBytes) * 1000) / 1000 : 0,
    };
    this.cpu = undefined;
    return this.stats;
  }

  /** The last completed cycle's figures, or an empty object before the first. */
  last(): Partial<CycleStats> {
    return this.stats ?? {};
  }
}
