import { rollUp } from '@lanet/contracts';
import { decodeHistogram, percentileUs } from '../metrics/run-metrics.js';
import { latencyAfterStartUp, type SimReport } from './report-model.js';
import { renderChart } from './svg-charts.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Percentiles of the distribution chart, spaced evenly on a log scale of 1/(1-p). */
const DISTRIBUTION = [0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100];

/** The four charts of one scenario (or one merged run), its fault windows shaded on the time charts. */
function charts(report: SimReport, key: string): string[] {
  const s = report.series;
  const xs = s.sent.map((_, i) => i * s.bucket_s);
  const hist = decodeHistogram(report.histograms.latency_us);
  const logX = (p: number) => Math.log10(1 / (1 - Math.min(p, 99.999) / 100));
  const dist = DISTRIBUTION.map((p) => ({ x: logX(p), y: hist.totalCount ? percentileUs(hist, p) / 1000 : null, p }));
  const bands = (report.faults ?? []).map((f) => ({ from: f.from_s, to: f.to_s, label: f.label }));
  const id = (name: string) => `${key}-${name}`;
  return [
    renderChart({
      id: id('throughput'),
      chart: 'throughput',
      title: 'Throughput over time',
      kind: 'line',
      xs,
      bands,
      xLabel: 'run time (s)',
      yLabel: 'heartbeats / bucket',
      series: [
        { name: 'sent', color: '#2563eb', values: s.sent },
        { name: 'accepted', color: '#16a34a', values: s.accepted },
      ],
    }),
    renderChart({
      id: id('latency'),
      chart: 'latency',
      title: 'Latency from the scheduled send (gap: nothing answered)',
      kind: 'line',
      xs,
      bands,
      xLabel: 'run time (s)',
      yLabel: 'ms',
      series: [
        { name: 'p50', color: '#16a34a', values: s.p50_ms },
        { name: 'p99', color: '#dc2626', values: s.p99_ms },
      ],
    }),
    renderChart({
      id: id('distribution'),
      chart: 'distribution',
      title: 'Latency distribution',
      kind: 'line',
      xs: dist.map((d) => d.x),
      xLabel: 'percentile',
      yLabel: 'ms',
      xTicks: dist.filter((d) => [0, 90, 99, 99.9, 99.99].includes(d.p)).map((d) => ({ x: d.x, label: `p${d.p}` })),
      series: [{ name: 'latency', color: '#7c3aed', values: dist.map((d) => d.y) }],
    }),
    renderChart({
      id: id('errors'),
      chart: 'errors',
      title: 'Errors and rejections over time',
      kind: 'bar',
      xs,
      bands,
      xLabel: 'run time (s)',
      yLabel: 'per bucket',
      series: [
        { name: 'errors', color: '#dc2626', values: s.errors },
        { name: 'rejected', color: '#f59e0b', values: s.rejected },
      ],
    }),
  ];
}

/** One scenario: its figures, its charts, and beside them the checks it ran. */
function panel(report: SimReport, key: string): string {
  const l = report.latency_ms;
  const checkRows = report.checks.map(
    (c) =>
      `<tr class="${c.status}"><td>${esc(c.requirement)}</td><td>${c.status.toUpperCase()}</td><td>${esc(c.check)}${c.level === 'SHOULD' ? ' (SHOULD)' : ''}<div class="evidence">${esc(c.evidence)}</div></td></tr>`,
  );
  const faults = (report.faults ?? []).map((f) => `${esc(f.label)} (${f.from_s === f.to_s ? `at ${f.from_s} s` : `${f.from_s}-${f.to_s} s`})`).join('; ');
  return `<section class="scenario" id="scenario-${esc(key)}" data-scenario="${esc(report.scenario)}">
<h2>${esc(report.scenario)}</h2>
<p class="figures">${report.sent} sent · ${report.accepted} accepted · ${report.rejected} rejected · ${report.errors} errors · ${report.lost} lost · ${report.throughput_per_s}/s of ${report.target_throughput_per_s}/s · p50 ${l.p50} ms · p99 ${l.p99} ms · max ${l.max} ms${faults ? `<br>faults (shaded): ${faults}` : ''}</p>
<div class="panel"><div class="charts">${charts(report, key).join('\n')}</div>
<aside class="checks"><h3>Checks</h3><table><tr><th>ID</th><th>status</th><th>check and evidence</th></tr>${checkRows.join('')}</table></aside></div>
</section>`;
}

/** The parts to draw one panel each: the scenarios of `--scenario all`; shards of one scenario merge into one. */
function scenarioParts(report: SimReport): SimReport[] {
  const parts = report.parts ?? [];
  return parts.length > 1 && new Set(parts.map((p) => p.scenario)).size === parts.length ? parts : [report];
}

/**
 * DIR/report.html: one self-contained page (inline CSS and SVG, no script, no network): the run's summary, its
 * requirements rolled up, thresholds and the simulator's own footprint, then one panel per scenario with four
 * charts (throughput, latency with gaps where nothing was answered, distribution, errors), its fault windows shaded
 * and labelled, and its checks beside the charts.
 */
export function renderReportHtml(report: SimReport): string {
  const l = report.latency_ms;
  const a = latencyAfterStartUp(report);
  const rows = [
    ['scenario', report.scenario],
    ['seed', String(report.seed)],
    ['target', report.target],
    ['agents', String(report.agents)],
    ['interval / time scale', `${report.interval_s} s / ${report.time_scale}x`],
    ['duration', `${report.duration_s} s`],
    ['sent / accepted / rejected', `${report.sent} / ${report.accepted} / ${report.rejected}`],
    ['errors / lost / pending at end', `${report.errors} / ${report.lost} / ${report.pending_at_end}`],
    ['throughput', `${report.throughput_per_s}/s achieved vs ${report.target_throughput_per_s}/s target`],
    ['latency ms', `min ${l.min} · p50 ${l.p50} · p90 ${l.p90} · p99 ${l.p99} · p99.9 ${l.p999} · max ${l.max}`],
    // The start-up burst apart: the sends of the first interval left out.
    ...(a ? [['after start-up ms', `p50 ${a.p50} · p99 ${a.p99} · max ${a.max} (sends scheduled after the first interval: ${a.count} of ${l.count})`]] : []),
    ['schedule lag ms', `p50 ${report.lag_ms.p50} · p99 ${report.lag_ms.p99} · max ${report.lag_ms.max}`],
    [
      'errors by kind',
      Object.entries(report.errors_by_kind)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || 'none',
    ],
  ];
  const requirementRows = (report.requirements ?? rollUp(report.checks)).map(
    (r) =>
      `<tr class="${r.status}"><td>${esc(r.requirement)}</td><td>${r.status.toUpperCase()}</td><td>${r.level}</td><td>${r.checks.pass} pass · ${r.checks.fail} fail · ${r.checks.skip} skip</td><td>${esc(r.summary)}</td></tr>`,
  );
  const thresholdRows = report.thresholds.map(
    (t) => `<tr class="${t.status}"><td>${esc(t.expression)}</td><td>${t.status.toUpperCase()}</td><td>${t.value}</td></tr>`,
  );
  const minutes = report.resources?.minutes ?? [];
  const resourceRows = minutes.map(
    (m) =>
      `<tr><td>${m.at_s}</td><td>${m.rss_mb}</td><td>${m.peak_rss_mb}</td><td>${m.heap_used_mb}</td><td>${m.gc_ms} (${m.gc_count})</td><td>${m.cpu_percent_of_core}</td></tr>`,
  );
  const parts = scenarioParts(report);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lanet simulate: ${esc(report.scenario)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#111}h1{font-size:20px}h2{font-size:17px;margin:28px 0 4px}h3{font-size:14px;margin:0 0 4px}
table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
tr.pass td:nth-child(2){color:#16a34a}tr.fail td:nth-child(2){color:#dc2626;font-weight:bold}tr.skip td:nth-child(2),tr.partial td:nth-child(2){color:#6b7280}
section.scenario{border-top:3px solid #1f2937;margin-top:24px}.figures{color:#374151;margin:4px 0 10px}
.panel{display:grid;grid-template-columns:minmax(0,2fr) minmax(320px,1fr);gap:16px;align-items:start}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:12px}.charts svg{width:100%;height:auto}
.checks table{width:100%;font-size:13px}.evidence{color:#4b5563;font-size:12px;margin-top:2px}
.chart .title{font-weight:600;font-size:13px}.chart .tick{font-size:10px;fill:#444}.chart .axis{font-size:11px;fill:#444}.chart .grid{stroke:#eee}.chart .fault-label{font-size:10px}
</style></head><body>
<h1>lanet simulate: ${esc(report.scenario)}</h1>
<table>${rows.map(([k, v]) => `<tr><th>${esc(k!)}</th><td>${esc(v!)}</td></tr>`).join('')}</table>
<h2>Requirements</h2><table><tr><th>ID</th><th>status</th><th>level</th><th>checks</th><th>summary</th></tr>${requirementRows.join('')}</table>
${thresholdRows.length ? `<h2>Thresholds</h2><table><tr><th>threshold</th><th>status</th><th>value</th></tr>${thresholdRows.join('')}</table>` : ''}
${resourceRows.length ? `<h2>Simulator process</h2><p>peak RSS ${report.resources!.peak_rss_mb} MB, GC ${report.resources!.gc_ms} ms in all</p><table><tr><th>at s</th><th>RSS MB</th><th>peak RSS MB</th><th>heap used MB</th><th>GC ms (count)</th><th>CPU % of a core</th></tr>${resourceRows.join('')}</table>` : ''}
${parts.map((p, i) => panel(p, `${i + 1}-${p.scenario}`)).join('\n')}
</body></html>
`;
}
