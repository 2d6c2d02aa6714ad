import type { SimReport } from './report-model.js';

/** Placeholder until the charts land. */
export function renderReportHtml(report: SimReport): string {
  return `<!doctype html><title>lanet simulate</title><pre>${JSON.stringify(report.latency_ms)}</pre>`;
}
