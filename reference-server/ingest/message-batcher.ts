/**
 * Messages between the HTTP thread and the ingest thread go in batches: whatever one side posts during a turn of its
 * event loop leaves as one array in one postMessage, at the end of that turn (setImmediate). Why: one postMessage per
 * heartbeat each way cost ~50 µs of the two threads' CPU per heartbeat at PERF-1's 2,000 a second (serialising the
 * envelope and waking the other thread once per message); a turn of either thread usually handles several heartbeats
 * (the ingest thread answers a whole group commit at once). Ordering is kept.
 */
export class MessageBatcher<M> {
  private pending: M[] = [];
  private scheduled = false;

  /** `send` posts one batch (e.g. `(batch) => port.postMessage(batch)`). */
  constructor(private readonly send: (batch: M[]) => void) {}

  /** Queues a message; it leaves with the others of this turn. */
  post(message: M): void {
    this.pending.push(message);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Sends what is queued now (before closing the port or exiting, when no later turn will come). */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.send(batch);
  }
}
