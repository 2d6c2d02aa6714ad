/** What the HTTP thread does with the ingest thread's retention reports: metrics, and a warning when a step failed. */
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { IngestThreadOptions } from './ingest-thread.js';

/** The ingest thread's prune callbacks: counts by reason (age, or an agent over its budget) in `registry`, failures logged. */
export function retentionReporting(registry: Registry, logger: Logger): Pick<IngestThreadOptions, 'onPrune' | 'onPruneFailed'> {
  const rows = new Counter({
    name: 'lanet_history_pruned_total',
    help: 'Heartbeats deleted by the retention policy.',
    labelNames: ['reason'],
    registers: [registry],
  });
  const bytes = new Counter({
    name: 'lanet_history_pruned_bytes_total',
    help: 'Stored payload bytes deleted by the retention policy.',
    labelNames: ['reason'],
    registers: [registry],
  });
  return {
    onPrune: (reason, n, b) => {
      rows.inc({ reason }, n);
      bytes.inc({ reason }, b);
    },
    onPruneFailed: (message) => logger.warn({ err: message }, 'a history pruning step failed; the next sweep retries it'),
  };
}
