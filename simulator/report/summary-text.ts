import { rollUp } from '@lanet/contracts';
import { latencyAfterStartUp, type SimReport } from './report-model.js';

const mark = (status: string) => (status === 'pass' ? '✓' : status === 'skip' || status === 'partial' ? '-' : '✗');

/** The final summary in the manner of k6: throughput, latency percentiles, errors by kind, checks and thresholds. */
export function formatSummary(report: SimReport): string {
  const l = report.latency_ms;
  const g = report.lag_ms;
  // The start-up burst apart (issue 13): every agent's first beat falls in the first interval (AG-7's spread).
  const a = latencyAfterStartUp(report);
  const lines = [
    '',
    `  scenario ........: ${report.scenario}   seed ${report.seed}   target ${report.target}`,
    `  agents ..........: ${report.agents}${report.shard.count > 1 ? ` (shard ${report.shard.index + 1}/${report.shard.count})` : ''}   interval ${report.interval_s} s   time scale ${report.time_scale}x   duration ${report.duration_s} s`,
    `  heartbeats ......: sent ${report.sent}   accepted ${report.accepted}   rejected ${report.rejected}   errors ${report.errors}   lost ${report.lost}   pending at end ${report.pending_at_end}`,
    `  throughput ......: ${report.throughput_per_s}/s achieved vs ${report.target_throughput_per_s}/s target (${pct(report.throughput_per_s, report.target_throughput_per_s)})`,
    `  latency (ms) ....: min=${l.min} p50=${l.p50} p90=${l.p90} p99=${l.p99} p99.9=${l.p999} max=${l.max}  (from the scheduled send time)`,
    ...(a ? [`  after start-up ..: p50=${a.p50} p99=${a.p99} max=${a.max}  (sends scheduled after the first interval, ${a.count} of ${l.count})`] : []),
    `  schedule lag (ms): p50=${g.p50} p99=${g.p99} max=${g.max}`,
  ];
  const r = report.resources;
  if (r && r.minutes.length) {
    const at = r.minutes
      .map((m) => `${m.at_s.toFixed(0)}s=${m.rss_mb}`)
      .slice(0, 12)
      .join(' ');
    const wall = r.minutes[r.minutes.length - 1]!.at_s * 1000;
    lines.push(
      `  simulator ........: peak RSS ${r.peak_rss_mb} MB; RSS (MB) by minute ${at}${r.minutes.length > 12 ? ' ...' : ''}; GC ${r.gc_ms} ms (${((r.gc_ms / Math.max(wall, 1)) * 100).toFixed(1)} % of the run)`,
    );
  }
  const kinds = Object.entries(report.errors_by_kind);
  lines.push(`  errors by kind ..: ${kinds.length ? kinds.map(([k, v]) => `${k}=${v}`).join('  ') : 'none'}`);
  lines.push('', '  checks');
  for (const c of report.checks) {
    lines.push(
      `    ${mark(c.status)} ${c.requirement.padEnd(6)} ${c.status.toUpperCase().padEnd(4)} ${c.scenario && report.parts ? `[${c.scenario}] ` : ''}${c.check}${c.level === 'SHOULD' ? ' (SHOULD)' : ''}`,
    );
    lines.push(`        ${c.evidence}`);
  }
  // One line per requirement over all its checks: PASS only when every check ran and passed, PARTIAL with a skip.
  const rolled = rollUp(report.checks);
  lines.push(
    '',
    `  requirements ....: ${rolled.map((r) => `${r.requirement} ${r.status.toUpperCase()}${r.level === 'SHOULD' ? ' (SHOULD)' : ''}`).join('   ')}`,
  );
  if (report.thresholds.length) {
    lines.push('', '  thresholds');
    for (const t of report.thresholds) lines.push(`    ${mark(t.status)} ${t.expression.padEnd(16)} ${t.status.toUpperCase()} (value ${t.value})`);
  }
  lines.push('');
  return lines.join('\n');
}

function pct(a: number, b: number): string {
  return b > 0 ? `${((a / b) * 100).toFixed(1)} %` : 'n/a';
}
