import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

/** Latencies and lags are recorded in microseconds, from 1 µs up to an hour (auto-resizing beyond). */
function newHistogram(digits: 2 | 3 = 3): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: digits,
    autoResize: true,
  });
}

/**
 * One slice of the run for the over-time charts, summarised when the slice closes (its histogram is reused), so a
 * long run keeps a few numbers per second and never a histogram per second. Latency figures are null when nothing
 * was answered in the slice: a gap in the chart, not 0 ms.
 */
export interface TimeBucket {
  sent: number;
  accepted: number;
  rejected: number;
  errors: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

/** How each send ended, for counters. */
export type SendClass = 'accepted' | 'rejected' | 'error';

/**
 * Everything the simulator measures while it loads a target: latency from the scheduled send time (wrk2-style, no
 * coordinated omission) and schedule lag on its own, both in HdrHistogram, plus per-bucket series for the report.
 */
export class RunMetrics {
  readonly latencyUs = newHistogram();
  /**
   * Latency of the sends scheduled after the start-up window (the first interval, over which AG-7 spreads every agent's
   * first beat): PERF-1 is judged on latencyUs, start-up included; this one shows how much of its tail the burst is.
   */
  readonly afterStartUpUs = newHistogram();
  readonly lagUs = newHistogram();
  private readonly closed: TimeBucket[] = [];
  private current: TimeBucket | undefined;
  private currentIndex = -1;
  private readonly bucketLatency = newHistogram(2);
  readonly errorsByKind = new Map<string, number>();
  sent = 0;
  accepted = 0;
  rejected = 0;
  errors = 0;
  /** Sends issued but not answered yet. */
  inFlight = 0;

  /** `bucketMs`: width of one chart bucket in real milliseconds. */
  constructor(readonly bucketMs: number = 1000) {}

  /** Every bucket so far, the open one summarised as it stands. */
  get buckets(): readonly TimeBucket[] {
    return this.current ? [...this.closed, { ...this.current, ...summarizeBucket(this.bucketLatency) }] : this.closed;
  }

  /** The last closed bucket (for the live progress line). */
  get lastClosed(): TimeBucket | undefined {
    return this.closed[this.closed.length - 1];
  }

  /** A send leaves now, `lagMs` after its scheduled time. */
  recordSend(realElapsedMs: number, lagMs: number): void {
    this.sent++;
    this.inFlight++;
    this.lagUs.recordValue(Math.max(1, Math.round(lagMs * 1000)));
    this.bucket(realElapsedMs).sent++;
  }

  /** A send finished `latencyMs` after its scheduled time (lag included, by design); `afterStartUp`: scheduled after the first interval. */
  recordDone(realElapsedMs: number, latencyMs: number, cls: SendClass, errorKind?: string, afterStartUp = false): void {
    this.inFlight--;
    const b = this.bucket(realElapsedMs);
    const us = Math.max(1, Math.round(latencyMs * 1000));
    if (cls === 'accepted') {
      this.accepted++;
      b.accepted++;
    } else if (cls === 'rejected') {
      this.rejected++;
      b.rejected++;
    } else {
      this.errors++;
      b.errors++;
    }
    if (cls !== 'error') {
      this.latencyUs.recordValue(us);
      if (afterStartUp) this.afterStartUpUs.recordValue(us);
      this.bucketLatency.recordValue(us);
    }
    if (errorKind) this.errorsByKind.set(errorKind, (this.errorsByKind.get(errorKind) ?? 0) + 1);
  }

  /** Counts an error that is not a send (registration, a check's read) under its kind. */
  countError(kind: string): void {
    this.errorsByKind.set(kind, (this.errorsByKind.get(kind) ?? 0) + 1);
  }

  /** The bucket of `realElapsedMs`; time only moves forward, so earlier buckets are closed and summarised. */
  private bucket(realElapsedMs: number): TimeBucket {
    const i = Math.max(this.currentIndex, Math.floor(Math.max(0, realElapsedMs) / this.bucketMs));
    if (i !== this.currentIndex) {
      if (this.current) this.closed.push({ ...this.current, ...summarizeBucket(this.bucketLatency) });
      this.bucketLatency.reset();
      while (this.closed.length < i) this.closed.push(emptyBucket());
      this.current = emptyBucket();
      this.currentIndex = i;
    }
    return this.current!;
  }
}

function emptyBucket(): TimeBucket {
  return { sent: 0, accepted: 0, rejected: 0, errors: 0, p50Ms: null, p99Ms: null, maxMs: null };
}

function summarizeBucket(h: Histogram): Pick<TimeBucket, 'p50Ms' | 'p99Ms' | 'maxMs'> {
  if (h.totalCount === 0) return { p50Ms: null, p99Ms: null, maxMs: null };
  return { p50Ms: percentileUs(h, 50) / 1000, p99Ms: percentileUs(h, 99) / 1000, maxMs: h.maxValue / 1000 };
}

/**
 * A percentile in µs, never outside the recorded min..max: HdrHistogram answers a bucket's highest equivalent value,
 * which can pass the exact max it also keeps (issue 11: `p99.9=70.335 max=70.282`).
 */
export function percentileUs(h: Histogram, p: number): number {
  return Math.min(h.maxValue, Math.max(h.minNonZeroValue, h.getValueAtPercentile(p)));
}

/** Latency figures in milliseconds as report.json carries them. */
export interface LatencySummaryMs {
  min: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  count: number;
}

/** Summarises a microsecond histogram in milliseconds (0s when empty). */
export function summarizeMs(h: Histogram): LatencySummaryMs {
  const ms = (us: number) => Math.round(us) / 1000;
  if (h.totalCount === 0) return { min: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 };
  return {
    min: ms(h.minNonZeroValue),
    p50: ms(percentileUs(h, 50)),
    p90: ms(percentileUs(h, 90)),
    p99: ms(percentileUs(h, 99)),
    p999: ms(percentileUs(h, 99.9)),
    max: ms(h.maxValue),
    mean: Math.round(h.mean) / 1000,
    count: h.totalCount,
  };
}

/** Encodes a histogram for report.json so shards merge exactly (HdrHistogram compressed base64). */
export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Decodes a histogram written by encodeHistogram. */
export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, false);
}

/** A fresh empty microsecond histogram (for merging). */
export function emptyHistogram(): Histogram {
  return newHistogram();
}
