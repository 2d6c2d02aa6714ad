import { PerformanceObserver } from 'node:perf_hooks';

/** The simulator process over one minute of a run (the last row may be shorter). */
export interface ResourceMinute {
  /** Real seconds since the monitor started, at the end of this row. */
  at_s: number;
  /** RSS at the end of the row, and the highest seen within it (sampled every second). */
  rss_mb: number;
  peak_rss_mb: number;
  heap_used_mb: number;
  /** Garbage collection pause time within the row, and how many collections. */
  gc_ms: number;
  gc_count: number;
  /** CPU time (user + system) over wall time, in % of one core. */
  cpu_percent_of_core: number;
}

/** The simulator's own footprint over a run: what issue 13 asks to stay flat (O(agents), not O(heartbeats)). */
export interface ResourceSummary {
  peak_rss_mb: number;
  gc_ms: number;
  minutes: ResourceMinute[];
}

const MB = 1048576;

/**
 * Samples the process's RSS every second and its GC pauses (a `gc` PerformanceObserver) and CPU, and folds them
 * into one row per minute, so a long run shows whether memory stays flat and what GC costs. A few dozen bytes per
 * minute; the timer is unref'd so it never keeps a run alive.
 */
export class ResourceMonitor {
  private readonly rows: ResourceMinute[] = [];
  private readonly observer: PerformanceObserver;
  private timer: NodeJS.Timeout | undefined;
  private startedMs = 0;
  private rowStartMs = 0;
  private rowCpu = process.cpuUsage();
  private rowPeak = 0;
  private peak = 0;
  private gcMs = 0;
  private gcCount = 0;
  private gcTotalMs = 0;

  constructor(private readonly rowMs = 60_000) {
    this.observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        this.gcMs += entry.duration;
        this.gcTotalMs += entry.duration;
        this.gcCount++;
      }
    });
  }

  /** Starts sampling. */
  start(): this {
    this.startedMs = performance.now();
    this.rowStartMs = this.startedMs;
    this.rowCpu = process.cpuUsage();
    this.observer.observe({ entryTypes: ['gc'] });
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
    this.sample();
    return this;
  }

  /** Stops sampling and returns the rows, the last one partial. */
  stop(): ResourceSummary {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    if (performance.now() - this.rowStartMs >= 1000 || this.rows.length === 0) this.closeRow();
    this.observer.disconnect();
    return { peak_rss_mb: Math.round(this.peak / MB), gc_ms: Math.round(this.gcTotalMs), minutes: [...this.rows] };
  }

  private sample(): void {
    const rss = process.memoryUsage.rss();
    this.rowPeak = Math.max(this.rowPeak, rss);
    this.peak = Math.max(this.peak, rss);
    if (performance.now() - this.rowStartMs >= this.rowMs) this.closeRow();
  }

  private closeRow(): void {
    const now = performance.now();
    const cpu = process.cpuUsage(this.rowCpu);
    const mem = process.memoryUsage();
    this.rows.push({
      at_s: Math.round((now - this.startedMs) / 100) / 10,
      rss_mb: Math.round(mem.rss / MB),
      peak_rss_mb: Math.round(Math.max(this.rowPeak, mem.rss) / MB),
      heap_used_mb: Math.round(mem.heapUsed / MB),
      gc_ms: Math.round(this.gcMs),
      gc_count: this.gcCount,
      cpu_percent_of_core: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, now - this.rowStartMs)) * 1000) / 10,
    });
    this.rowStartMs = now;
    this.rowCpu = process.cpuUsage();
    this.rowPeak = 0;
    this.gcMs = 0;
    this.gcCount = 0;
  }
}
