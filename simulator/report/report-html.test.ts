import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHistogram, RunMetrics, summarizeMs } from '../metrics/run-metrics.js';
import type { SimReport } from './report-model.js';
import { mergeReports } from './merge-reports.js';
import { renderReportHtml } from './report-html.js';

/**
 * A report built from real RunMetrics recordings: 20 s of sends with latency rising, and an outage from 8 s to 11 s
 * in which nothing is answered (errors only), so the latency chart must show a gap there and shade the window.
 */
function sampleReport(scenario = 'outage'): SimReport {
  const m = new RunMetrics(1000);
  for (let s = 0; s < 20; s++) {
    for (let k = 0; k < 50; k++) {
      const t = s * 1000 + k * 20;
      m.recordSend(t, 0.5);
      const failed = s >= 8 && s < 11;
      // 300 s interval at 300x: the start-up interval is the first real second.
      m.recordDone(t + 5, 2 + s + (k % 10), failed ? 'error' : k === 7 ? 'rejected' : 'accepted', failed ? 'ECONNRESET' : undefined, s >= 1);
    }
  }
  const b = m.buckets;
  const series = {
    bucket_s: 1,
    sent: b.map((x) => x.sent),
    accepted: b.map((x) => x.accepted),
    rejected: b.map((x) => x.rejected),
    errors: b.map((x) => x.errors),
    p50_ms: b.map((x) => x.p50Ms),
    p99_ms: b.map((x) => x.p99Ms),
  };
  return {
    tool: 'lanet simulate',
    version: 1,
    seed: 1,
    scenario,
    target: 'http://127.0.0.1:1',
    agents: 50,
    shard: { index: 0, count: 1 },
    duration_s: 20,
    time_scale: 300,
    interval_s: 300,
    sent: m.sent,
    accepted: m.accepted,
    rejected: m.rejected,
    errors: m.errors,
    lost: 0,
    pending_at_end: 0,
    throughput_per_s: m.accepted / 20,
    target_throughput_per_s: 50,
    latency_ms: summarizeMs(m.latencyUs),
    latency_after_startup_ms: summarizeMs(m.afterStartUpUs),
    lag_ms: summarizeMs(m.lagUs),
    errors_by_kind: Object.fromEntries(m.errorsByKind),
    checks: [{ requirement: 'HB-2', check: 'every valid payload accepted', status: 'pass', level: 'MUST', evidence: 'x <y>', scenario }],
    thresholds: [{ expression: 'p99<100', status: 'pass', value: 31 }],
    series,
    histograms: { latency_us: encodeHistogram(m.latencyUs), lag_us: encodeHistogram(m.lagUs) },
    registration_ms: 1,
    faults: [
      { from_s: 8, to_s: 11, label: 'connections reset' },
      { from_s: 15, to_s: 15, label: 'fleet restarts' },
    ],
  };
}

let browser: Browser;
let dir: string;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  dir = mkdtempSync(join(tmpdir(), 'lanet-report-'));
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface DrawnChart {
  chart: string | null;
  width: number;
  height: number;
  series: Array<{ name: string | null; points: number; gaps: number; width: number; height: number }>;
  faults: number;
  faultLabels: string[];
}

/** Opens the page and reads every panel's charts as drawn (bounding boxes from the layout engine). */
async function drawn(html: string, name: string) {
  const file = join(dir, name);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href);
  const panels = await page.$$eval('section.scenario', (sections) =>
    sections.map((section) => ({
      scenario: section.getAttribute('data-scenario'),
      checksBeside: section.querySelector('.panel > aside.checks table') !== null,
      checkText: section.querySelector('aside.checks')?.textContent ?? '',
      charts: [...section.querySelectorAll('svg.chart')].map((svg) => {
        const box = svg.getBoundingClientRect();
        return {
          chart: svg.getAttribute('data-chart'),
          width: box.width,
          height: box.height,
          series: [...svg.querySelectorAll('.series')].map((el) => {
            const b = (el as SVGGraphicsElement).getBBox();
            return {
              name: el.getAttribute('data-series'),
              points: Number(el.getAttribute('data-points')),
              gaps: Number(el.getAttribute('data-gaps') ?? 0),
              width: b.width,
              height: b.height,
            };
          }),
          faults: svg.querySelectorAll('.fault').length,
          faultLabels: [...svg.querySelectorAll('.fault-label')].map((t) => t.textContent ?? ''),
        };
      }),
    })),
  );
  return { page, panels, requests };
}

describe('report.html', () => {
  it('draws each chart with its data, gaps where nothing was answered, and the fault windows shaded and labelled', async () => {
    const html = renderReportHtml(sampleReport());
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/);
    // The start-up burst apart: the sends of the first interval are left out of this row only.
    expect(html).toMatch(/after start-up ms<\/t[hd]><td>p50 [\d.]+ · p99 [\d.]+ · max [\d.]+ \(sends scheduled after the first interval: \d+ of \d+\)/);
    const { page, panels, requests } = await drawn(html, 'one.html');
    expect(panels).toHaveLength(1);
    const charts: DrawnChart[] = panels[0]!.charts;
    expect(charts.map((c) => c.chart)).toEqual(['throughput', 'latency', 'distribution', 'errors']);
    for (const chart of charts) {
      expect(chart.width).toBeGreaterThan(300);
      expect(chart.height).toBeGreaterThan(100);
      // Every series has data points and covers real area on screen: the chart is drawn, not an empty frame.
      for (const s of chart.series) {
        expect(s.points, `${chart.chart} ${s.name}`).toBeGreaterThan(0);
        expect(s.width, `${chart.chart} ${s.name}`).toBeGreaterThan(10);
      }
    }
    const latency = charts.find((c) => c.chart === 'latency')!;
    const p99 = latency.series.find((s) => s.name === 'p99')!;
    expect(p99.height).toBeGreaterThan(20); // latency rises over the run
    expect(p99.gaps).toBe(3); // seconds 8, 9, 10 answered nothing: a gap, not 0 ms
    expect(p99.points).toBe(17);
    for (const chart of charts.filter((c) => c.chart !== 'distribution')) {
      expect(chart.faults, chart.chart!).toBe(2);
      expect(chart.faultLabels).toEqual(['connections reset', 'fleet restarts']);
    }
    expect(panels[0]!.checksBeside).toBe(true);
    expect(panels[0]!.checkText).toContain('x <y>');
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    await page.close();
  });

  it('--scenario all: one panel per scenario, each with its own charts and its own checks beside them', async () => {
    const merged = mergeReports([sampleReport('steady'), sampleReport('outage')], 'sequence');
    const { page, panels } = await drawn(renderReportHtml(merged), 'all.html');
    expect(panels.map((p) => p.scenario)).toEqual(['steady', 'outage']);
    for (const p of panels) {
      expect(p.charts).toHaveLength(4);
      expect(p.checksBeside).toBe(true);
    }
    expect(await page.textContent('h2:has-text("Requirements") + table')).toMatch(/HB-2\s*PASS/);
    await page.close();
  });
});
