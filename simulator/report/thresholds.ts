import type { SimReport, ThresholdResult } from './report-model.js';

/** The metrics a threshold can name, read from a report. */
const METRICS: Record<string, (r: SimReport) => number> = {
  p50: (r) => r.latency_ms.p50,
  p90: (r) => r.latency_ms.p90,
  p99: (r) => r.latency_ms.p99,
  p999: (r) => r.latency_ms.p999,
  max: (r) => r.latency_ms.max,
  min: (r) => r.latency_ms.min,
  lag_p99: (r) => r.lag_ms.p99,
  sent: (r) => r.sent,
  accepted: (r) => r.accepted,
  rejected: (r) => r.rejected,
  errors: (r) => r.errors,
  lost: (r) => r.lost,
  throughput: (r) => r.throughput_per_s,
  error_rate: (r) => (r.sent === 0 ? 0 : r.errors / r.sent),
};

const OPS: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

const PATTERN = /^\s*([a-z0-9_]+)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** A parsed k6-like threshold such as `p99<100` (latencies in ms) or `errors==0`. */
export interface Threshold {
  expression: string;
  metric: string;
  op: string;
  value: number;
}

/** Parses a threshold expression; throws a message naming the metrics and operators it accepts. */
export function parseThreshold(expression: string): Threshold {
  const m = PATTERN.exec(expression);
  if (!m || !METRICS[m[1]!]) {
    throw new Error(
      `Threshold '${expression}' is not understood: write METRIC OP NUMBER, e.g. 'p99<100' or 'errors==0'. Metrics: ${Object.keys(METRICS).join(', ')} (latencies in ms). Operators: ${Object.keys(OPS).join(' ')}.`,
    );
  }
  return { expression: expression.trim(), metric: m[1]!, op: m[2]!, value: Number(m[3]) };
}

/** Evaluates thresholds against a report. */
export function evaluateThresholds(thresholds: readonly Threshold[], report: SimReport): ThresholdResult[] {
  return thresholds.map((t) => {
    const value = METRICS[t.metric]!(report);
    return { expression: t.expression, status: OPS[t.op]!(value, t.value) ? 'pass' : 'fail', value };
  });
}
