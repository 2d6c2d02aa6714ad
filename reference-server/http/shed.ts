import { problemTypes } from '@lanet/contracts';
import { HttpProblem } from './problem.js';
import type { ServerMetrics } from './server-metrics.js';

/**
 * Why a request was answered 503 before its work was done (the `reason` label of lanet_shed_total): too many
 * heartbeats waiting (pending_count), too many body bytes held (body_bytes) or the oldest heartbeat waiting too long
 * for its commit (commit_wait), HB-10; the store not answering in time (store_deadline) or failing transiently
 * (store_error), GEN-8.
 */
export type ShedReason = 'pending_count' | 'body_bytes' | 'commit_wait' | 'store_deadline' | 'store_error';

/** What a 503 for an overloaded server tells the agent to wait (HB-10). */
export const SHED_RETRY_AFTER_S = 5;

/** A 503 `overloaded` problem with Retry-After that says why it was sent (GEN-1, HB-10, GEN-8). */
export class ShedProblem extends HttpProblem {
  constructor(
    readonly reason: ShedReason,
    detail: string,
    retryAfterS: number = SHED_RETRY_AFTER_S,
  ) {
    const { status, title } = problemTypes.overloaded;
    super(status, 'overloaded', title, detail, { headers: { 'Retry-After': String(retryAfterS) } });
  }
}

/** Counts a 503 the error handler is about to send by its reason (lanet_shed_total); other errors are not counted. */
export function countShed(metrics: ServerMetrics, err: unknown): void {
  if (err instanceof ShedProblem) metrics.shed.inc({ reason: err.reason });
}
