import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AgentStatus } from '@lanet/contracts';

/** The server's Prometheus metrics; one registry per server so several servers can share a process (tests). */
export interface ServerMetrics {
  registry: Registry;
  heartbeats: Counter<'result'>;
  /** 503s sent before the work was done, by reason (shed.ts): HB-10 admission and GEN-8 deadlines. */
  shed: Counter<'reason'>;
  requestDuration: Histogram<'method' | 'route' | 'status'>;
  commitDuration: Histogram;
  commitBatchSize: Histogram;
}

/**
 * Creates the metrics; `agentCounts` is read at each scrape for the agents-by-status gauge, `bodyBytesHeld` for the
 * request-body budget gauge.
 */
export function createServerMetrics(agentCounts: () => Promise<Record<AgentStatus, number>>, bodyBytesHeld: () => number = () => 0): ServerMetrics {
  const registry = new Registry();
  // Standard names (process_cpu_seconds_total, nodejs_heap_size_used_bytes, ...), so stock Node.js dashboards match.
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'lanet_agents',
    help: 'Registered agents by status (FLT-1, FLT-2).',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      let counts: Record<AgentStatus, number>;
      try {
        counts = await agentCounts();
      } catch {
        return; // GEN-8: a stalled store leaves the last figures; the scrape still answers
      }
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    },
  });
  new Gauge({
    name: 'lanet_body_bytes_held',
    help: 'Inflated request-body bytes held now, read or waiting for the ingest thread (HB-10 budget, --body-budget-mib).',
    registers: [registry],
    collect() {
      this.set(bodyBytesHeld());
    },
  });
  return {
    registry,
    shed: new Counter({
      name: 'lanet_shed_total',
      help: 'Requests answered 503 before their work was done, by reason: pending_count, body_bytes, commit_wait (HB-10); store_deadline, store_error (GEN-8).',
      labelNames: ['reason'],
      registers: [registry],
    }),
    heartbeats: new Counter({
      name: 'lanet_heartbeats_total',
      help: 'Heartbeat requests by result (stored, duplicate, invalid, unauthorized, forbidden, shed, throttled).',
      labelNames: ['result'],
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: 'lanet_http_request_duration_seconds',
      help: 'Request latency from arrival to the end of the response.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers: [registry],
    }),
    commitDuration: new Histogram({
      name: 'lanet_commit_duration_seconds',
      help: 'Duration of one heartbeat transaction (group commit).',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    commitBatchSize: new Histogram({
      name: 'lanet_commit_batch_size',
      help: 'Heartbeats per transaction (group commit).',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
  };
}
