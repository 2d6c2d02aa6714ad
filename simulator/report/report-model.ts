import type { RequirementVerdict } from '@lanet/contracts';
import type { CheckResult } from '../checks/check-result.js';
import type { FleetRunResult } from '../engine/fleet-runner.js';
import { encodeHistogram, summarizeMs, type LatencySummaryMs } from '../metrics/run-metrics.js';
import type { ResourceSummary } from '../metrics/resource-monitor.js';
import type { ProxyStats } from '../transport/fault-proxy.js';

/** A threshold as evaluated (`p99<100`). */
export interface ThresholdResult {
  expression: string;
  status: 'pass' | 'fail';
  /** The measured value the expression compared. */
  value: number;
}

/** Over-time series for the charts, one entry per bucket. */
export interface ReportSeries {
  bucket_s: number;
  sent: number[];
  accepted: number[];
  rejected: number[];
  errors: number[];
  /** null where nothing was answered in the bucket (a gap, not 0 ms). */
  p50_ms: Array<number | null>;
  p99_ms: Array<number | null>;
}

/** DIR/report.json: the fields issue 6 lists, plus what merging and the HTML report need. */
export interface SimReport {
  tool: 'lanet simulate';
  version: 1;
  seed: number;
  scenario: string;
  target: string;
  agents: number;
  shard: { index: number; count: number };
  duration_s: number;
  time_scale: number;
  interval_s: number;
  sent: number;
  accepted: number;
  rejected: number;
  errors: number;
  lost: number;
  /** Valid beats still being retried when the run ended (not yet due to count as lost). */
  pending_at_end: number;
  throughput_per_s: number;
  target_throughput_per_s: number;
  latency_ms: LatencySummaryMs;
  /** Latency of the sends scheduled after the first interval (the start-up window of AG-7's spread); absent in older reports. */
  latency_after_startup_ms?: LatencySummaryMs;
  lag_ms: LatencySummaryMs;
  errors_by_kind: Record<string, number>;
  checks: CheckResult[];
  /** The checks rolled up per requirement (contracts/verdict.ts): pass only when every check ran and passed. */
  requirements?: RequirementVerdict[];
  thresholds: ThresholdResult[];
  series: ReportSeries;
  /** HdrHistogram compressed base64 (µs), so `lanet report merge` is exact. */
  histograms: { latency_us: string; lag_us: string; latency_after_startup_us?: string };
  registration_ms: number;
  proxy?: ProxyStats;
  /** The scenario's fault windows in run seconds (the charts shade them); from == to marks a moment. */
  faults?: Array<{ from_s: number; to_s: number; label: string }>;
  /** The simulator process's RSS, GC and CPU per minute of the run (issue 13: flat memory over long runs). */
  resources?: ResourceSummary;
  /** Per-scenario reports when several ran (`--scenario all`) or shards were merged. */
  parts?: SimReport[];
}

/** What a scenario run adds to the fleet run's own figures. */
/**
 * The latency of the sends after the start-up interval, when the run had both kinds (the start-up burst apart);
 * undefined for an older report, a run shorter than one interval, or one with nothing in its first interval.
 */
export function latencyAfterStartUp(report: SimReport): LatencySummaryMs | undefined {
  const a = report.latency_after_startup_ms;
  return a && a.count > 0 && a.count < report.latency_ms.count ? a : undefined;
}

export interface ReportInputs {
  seed: number;
  scenario: string;
  target: string;
  totalAgents: number;
  shard: { index: number; count: number };
  timeScale: number;
  intervalS: number;
  checks: CheckResult[];
  lost: number;
  proxy?: ProxyStats;
  /** The scenario's fault windows, protocol ms. */
  faults?: Array<{ fromMs: number; toMs: number; label: string }>;
}

/** Builds one scenario's report from its fleet run. */
export function buildReport(run: FleetRunResult, inputs: ReportInputs): SimReport {
  const m = run.metrics;
  const durationS = run.endVirtualMs / inputs.timeScale / 1000;
  const agentsHere = run.agents.length;
  const buckets = m.buckets;
  return {
    tool: 'lanet simulate',
    version: 1,
    seed: inputs.seed,
    scenario: inputs.scenario,
    target: inputs.target,
    agents: agentsHere,
    shard: inputs.shard,
    duration_s: round(durationS, 3),
    time_scale: inputs.timeScale,
    interval_s: inputs.intervalS,
    sent: m.sent,
    accepted: m.accepted,
    rejected: m.rejected,
    errors: m.errors,
    lost: inputs.lost,
    pending_at_end: run.undelivered.length,
    throughput_per_s: round(m.accepted / Math.max(durationS, 1e-9), 1),
    target_throughput_per_s: round((agentsHere * inputs.timeScale) / inputs.intervalS, 1),
    latency_ms: summarizeMs(m.latencyUs),
    latency_after_startup_ms: summarizeMs(m.afterStartUpUs),
    lag_ms: summarizeMs(m.lagUs),
    errors_by_kind: Object.fromEntries(m.errorsByKind),
    checks: inputs.checks,
    thresholds: [],
    series: {
      bucket_s: m.bucketMs / 1000,
      sent: buckets.map((b) => b.sent),
      accepted: buckets.map((b) => b.accepted),
      rejected: buckets.map((b) => b.rejected),
      errors: buckets.map((b) => b.errors),
      p50_ms: buckets.map((b) => b.p50Ms),
      p99_ms: buckets.map((b) => b.p99Ms),
    },
    histograms: { latency_us: encodeHistogram(m.latencyUs), lag_us: encodeHistogram(m.lagUs), latency_after_startup_us: encodeHistogram(m.afterStartUpUs) },
    registration_ms: Math.round(run.registrationMs),
    ...(inputs.proxy ? { proxy: { ...inputs.proxy } } : {}),
    ...(inputs.faults?.length
      ? {
          faults: inputs.faults.map((f) => ({
            from_s: toRunS(f.fromMs, inputs.timeScale, durationS),
            to_s: toRunS(f.toMs, inputs.timeScale, durationS),
            label: f.label,
          })),
        }
      : {}),
  };
}

/** Protocol ms to run seconds on the charts' axis (both count from the clock start), within the run. */
function toRunS(virtualMs: number, timeScale: number, durationS: number): number {
  return round(Math.min(durationS, virtualMs / timeScale / 1000), 3);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
