import { decodeHistogram } from '../metrics/run-metrics.js';
import type { SimReport } from './report-model.js';
import { renderChart } from './svg-charts.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Percentiles of the distribution chart, spaced evenly on a log scale of 1/(1-p). */
const DISTRIBUTION = [0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100];

/**
 * DIR/report.html: one self-contained page (inline CSS and SVG, no script, no network) with the summary, checks,
 * thresholds and four charts: throughput over time, latency over time, the latency distribution, errors over time.
 */
export function renderReportHtml(report: SimReport): string {
  const s = report.series;
  const xs = s.sent.map((_, i) => i * s.bucket_s);
  const hist = decodeHistogram(report.histograms.latency_us);
  const logX = (p: number) => Math.log10(1 / (1 - Math.min(p, 99.999) / 100));
  const dist = DISTRIBUTION.map((p) => ({ x: logX(p), y: hist.totalCount ? hist.getValueAtPercentile(p) / 1000 : 0, p }));
  const charts = [
    renderChart({ id: 'chart-throughput', title: 'Throughput over time', kind: 'line', xs, xLabel: 'run time (s)', yLabel: 'heartbeats / bucket', series: [
      { name: 'sent', color: '#2563eb', values: s.sent },
      { name: 'accepted', color: '#16a34a', values: s.accepted },
    ] }),
    renderChart({ id: 'chart-latency', title: 'Latency over time (from the scheduled send)', kind: 'line', xs, xLabel: 'run time (s)', yLabel: 'ms', series: [
      { name: 'p50', color: '#16a34a', values: s.p50_ms },
      { name: 'p99', color: '#dc2626', values: s.p99_ms },
    ] }),
    renderChart({ id: 'chart-distribution', title: 'Latency distribution', kind: 'line', xs: dist.map((d) => d.x), xLabel: 'percentile', yLabel: 'ms',
      xTicks: dist.filter((d) => [0, 90, 99, 99.9, 99.99].includes(d.p)).map((d) => ({ x: d.x, label: `p${d.p}` })),
      series: [{ name: 'latency', color: '#7c3aed', values: dist.map((d) => d.y) }] }),
    renderChart({ id: 'chart-errors', title: 'Errors and rejections over time', kind: 'bar', xs, xLabel: 'run time (s)', yLabel: 'per bucket', series: [
      { name: 'errors', color: '#dc2626', values: s.errors },
      { name: 'rejected', color: '#f59e0b', values: s.rejected },
    ] }),
  ];
  const l = report.latency_ms;
  const rows = [
    ['scenario', report.scenario], ['seed', String(report.seed)], ['target', report.target],
    ['agents', String(report.agents)], ['interval / time scale', `${report.interval_s} s / ${report.time_scale}x`], ['duration', `${report.duration_s} s`],
    ['sent / accepted / rejected', `${report.sent} / ${report.accepted} / ${report.rejected}`], ['errors / lost / pending at end', `${report.errors} / ${report.lost} / ${report.pending_at_end}`],
    ['throughput', `${report.throughput_per_s}/s achieved vs ${report.target_throughput_per_s}/s target`],
    ['latency ms', `min ${l.min} · p50 ${l.p50} · p90 ${l.p90} · p99 ${l.p99} · p99.9 ${l.p999} · max ${l.max}`],
    ['schedule lag ms', `p50 ${report.lag_ms.p50} · p99 ${report.lag_ms.p99} · max ${report.lag_ms.max}`],
    ['errors by kind', Object.entries(report.errors_by_kind).map(([k, v]) => `${k}=${v}`).join(', ') || 'none'],
  ];
  const checkRows = report.checks.map((c) => `<tr class="${c.status}"><td>${esc(c.requirement)}</td><td>${c.status.toUpperCase()}</td><td>${esc(c.scenario ?? '')}</td><td>${esc(c.check)}${c.level === 'SHOULD' ? ' (SHOULD)' : ''}</td><td>${esc(c.evidence)}</td></tr>`);
  const thresholdRows = report.thresholds.map((t) => `<tr class="${t.status}"><td>${esc(t.expression)}</td><td>${t.status.toUpperCase()}</td><td>${t.value}</td></tr>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lanet simulate: ${esc(report.scenario)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#111}h1{font-size:20px}table{border-collapse:collapse;margin:8px 0 20px}
td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}tr.pass td:nth-child(2){color:#16a34a}tr.fail td:nth-child(2){color:#dc2626;font-weight:bold}
tr.skip td:nth-child(2){color:#6b7280}.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(720px,1fr));gap:16px}
.chart .title{font-weight:600;font-size:13px}.chart .tick{font-size:10px;fill:#444}.chart .axis{font-size:11px;fill:#444}.chart .grid{stroke:#eee}
</style></head><body>
<h1>lanet simulate: ${esc(report.scenario)}</h1>
<table>${rows.map(([k, v]) => `<tr><th>${esc(k!)}</th><td>${esc(v!)}</td></tr>`).join('')}</table>
<h2>Checks</h2><table><tr><th>ID</th><th>status</th><th>scenario</th><th>check</th><th>detail</th></tr>${checkRows.join('')}</table>
${thresholdRows.length ? `<h2>Thresholds</h2><table><tr><th>threshold</th><th>status</th><th>value</th></tr>${thresholdRows.join('')}</table>` : ''}
<h2>Charts</h2><div class="charts">${charts.join('\n')}</div>
</body></html>
`;
}
