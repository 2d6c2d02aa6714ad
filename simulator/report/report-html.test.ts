import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHistogram, RunMetrics, summarizeMs } from '../metrics/run-metrics.js';
import type { SimReport } from './report-model.js';
import { renderReportHtml } from './report-html.js';

/** A report built from real RunMetrics recordings: 20 s of sends with latency rising and errors in the middle. */
function sampleReport(): SimReport {
  const m = new RunMetrics(1000);
  for (let s = 0; s < 20; s++) {
    for (let k = 0; k < 50; k++) {
      const t = s * 1000 + k * 20;
      m.recordSend(t, 0.5);
      const failed = s >= 8 && s < 11 && k % 5 === 0;
      m.recordDone(t + 5, 2 + s + (k % 10), failed ? 'error' : k === 7 ? 'rejected' : 'accepted', failed ? 'ECONNRESET' : undefined);
    }
  }
  const series = {
    bucket_s: 1,
    sent: m.buckets.map((b) => b.sent),
    accepted: m.buckets.map((b) => b.accepted),
    rejected: m.buckets.map((b) => b.rejected),
    errors: m.buckets.map((b) => b.errors),
    p50_ms: m.buckets.map((b) => b.p50Ms),
    p99_ms: m.buckets.map((b) => b.p99Ms),
  };
  return {
    tool: 'lanet simulate', version: 1, seed: 1, scenario: 'steady', target: 'http://127.0.0.1:1', agents: 50, shard: { index: 0, count: 1 },
    duration_s: 20, time_scale: 300, interval_s: 300, sent: m.sent, accepted: m.accepted, rejected: m.rejected, errors: m.errors, lost: 0,
    pending_at_end: 0, throughput_per_s: m.accepted / 20, target_throughput_per_s: 50, latency_ms: summarizeMs(m.latencyUs), lag_ms: summarizeMs(m.lagUs),
    errors_by_kind: Object.fromEntries(m.errorsByKind), checks: [{ requirement: 'HB-2', check: 'every valid payload accepted', status: 'pass', level: 'MUST', evidence: 'x <y>' }],
    thresholds: [{ expression: 'p99<100', status: 'pass', value: 31 }], series,
    histograms: { latency_us: encodeHistogram(m.latencyUs), lag_us: encodeHistogram(m.lagUs) }, registration_ms: 1,
  };
}

let browser: Browser;
let dir: string;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  dir = mkdtempSync(join(tmpdir(), 'lanet-report-'));
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('report.html', () => {
  it('draws the four charts with their data in headless Chromium, with no network and no script', async () => {
    const html = renderReportHtml(sampleReport());
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/);
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        const series = [...svg.querySelectorAll('.series')].map((el) => {
          const b = (el as SVGGraphicsElement).getBBox();
          return { name: el.getAttribute('data-series'), points: Number(el.getAttribute('data-points')), width: b.width, height: b.height };
        });
        return { id: svg.id, width: box.width, height: box.height, series };
      }),
    );
    expect(charts.map((c) => c.id)).toEqual(['chart-throughput', 'chart-latency', 'chart-distribution', 'chart-errors']);
    for (const chart of charts) {
      expect(chart.width).toBeGreaterThan(300);
      expect(chart.height).toBeGreaterThan(100);
      // Every series has data points and covers real area on screen: the chart is drawn, not an empty frame.
      for (const s of chart.series) {
        expect(s.points, `${chart.id} ${s.name}`).toBeGreaterThan(0);
        expect(s.width, `${chart.id} ${s.name}`).toBeGreaterThan(10);
      }
    }
    const latency = charts.find((c) => c.id === 'chart-latency')!;
    expect(latency.series.find((s) => s.name === 'p99')!.height).toBeGreaterThan(20); // latency rises over the run
    expect(await page.textContent('body')).toContain('x <y>');
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    await page.close();
  });
});
