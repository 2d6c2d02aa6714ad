import { rollUp } from '@lanet/contracts';
import { decodeHistogram, emptyHistogram, encodeHistogram, summarizeMs } from '../metrics/run-metrics.js';
import type { ReportSeries, SimReport } from './report-model.js';

/**
 * How parts combine: `shards` ran side by side on different agents (agents and throughput add, series add
 * bucket by bucket); `sequence` ran one after another on the same fleet (`--scenario all`: durations add,
 * series follow each other).
 */
export type MergeMode = 'shards' | 'sequence';

/**
 * Merges reports into one. Latency and lag histograms are merged exactly (HdrHistogram add), so the merged
 * percentiles are those of all sends together, not an average of percentiles.
 */
export function mergeReports(parts: readonly SimReport[], mode: MergeMode): SimReport {
  const first = parts[0];
  if (!first) throw new Error('Nothing to merge: give at least one report.json.');
  const latency = emptyHistogram();
  const lag = emptyHistogram();
  const afterStartUp = emptyHistogram();
  for (const p of parts) {
    latency.add(decodeHistogram(p.histograms.latency_us));
    lag.add(decodeHistogram(p.histograms.lag_us));
    if (p.histograms.latency_after_startup_us) afterStartUp.add(decodeHistogram(p.histograms.latency_after_startup_us));
  }
  const sum = (f: (r: SimReport) => number) => parts.reduce((n, r) => n + f(r), 0);
  const max = (f: (r: SimReport) => number) => Math.max(...parts.map(f));
  const durationS = mode === 'shards' ? max((r) => r.duration_s) : sum((r) => r.duration_s);
  const accepted = sum((r) => r.accepted);
  const errorsByKind: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.errors_by_kind)) errorsByKind[k] = (errorsByKind[k] ?? 0) + v;
  const scenarios = [...new Set(parts.map((p) => p.scenario))];
  const { resources: _ownOnly, ...base } = first;
  const checks = parts.flatMap((p) => p.checks.map((c) => ({ ...c, scenario: c.scenario ?? p.scenario }))); // each part's own process figures stay in its part
  return {
    ...base,
    scenario: scenarios.join('+'),
    agents: mode === 'shards' ? sum((r) => r.agents) : max((r) => r.agents),
    shard: { index: 0, count: mode === 'shards' ? parts.length : first.shard.count },
    duration_s: durationS,
    sent: sum((r) => r.sent),
    accepted,
    rejected: sum((r) => r.rejected),
    errors: sum((r) => r.errors),
    lost: sum((r) => r.lost),
    pending_at_end: sum((r) => r.pending_at_end),
    throughput_per_s: Math.round((mode === 'shards' ? sum((r) => r.throughput_per_s) : accepted / Math.max(durationS, 1e-9)) * 10) / 10,
    target_throughput_per_s: mode === 'shards' ? sum((r) => r.target_throughput_per_s) : max((r) => r.target_throughput_per_s),
    latency_ms: summarizeMs(latency),
    latency_after_startup_ms: summarizeMs(afterStartUp),
    lag_ms: summarizeMs(lag),
    errors_by_kind: errorsByKind,
    checks,
    requirements: rollUp(checks),
    thresholds: [],
    series: mode === 'shards' ? addSeries(parts.map((p) => p.series)) : concatSeries(parts.map((p) => p.series)),
    histograms: { latency_us: encodeHistogram(latency), lag_us: encodeHistogram(lag), latency_after_startup_us: encodeHistogram(afterStartUp) },
    registration_ms: mode === 'shards' ? max((r) => r.registration_ms) : sum((r) => r.registration_ms),
    parts: [...parts],
  };
}

function concatSeries(all: ReportSeries[]): ReportSeries {
  const counts = (k: 'sent' | 'accepted' | 'rejected' | 'errors') => all.flatMap((s) => s[k]);
  const latency = (k: 'p50_ms' | 'p99_ms') => all.flatMap((s) => s[k]);
  return {
    bucket_s: all[0]!.bucket_s,
    sent: counts('sent'),
    accepted: counts('accepted'),
    rejected: counts('rejected'),
    errors: counts('errors'),
    p50_ms: latency('p50_ms'),
    p99_ms: latency('p99_ms'),
  };
}

/** Shards' buckets add up; per-bucket percentiles cannot be merged exactly from summaries, so the worst shard's is kept. */
function addSeries(all: ReportSeries[]): ReportSeries {
  const n = Math.max(...all.map((s) => s.sent.length));
  const add = (k: 'sent' | 'accepted' | 'rejected' | 'errors') => Array.from({ length: n }, (_, i) => all.reduce((t, s) => t + (s[k][i] ?? 0), 0));
  const worst = (k: 'p50_ms' | 'p99_ms') =>
    Array.from({ length: n }, (_, i) => {
      const measured = all.map((s) => s[k][i]).filter((v): v is number => typeof v === 'number');
      return measured.length ? Math.max(...measured) : null; // no shard measured anything: still a gap
    });
  return {
    bucket_s: all[0]!.bucket_s,
    sent: add('sent'),
    accepted: add('accepted'),
    rejected: add('rejected'),
    errors: add('errors'),
    p50_ms: worst('p50_ms'),
    p99_ms: worst('p99_ms'),
  };
}
