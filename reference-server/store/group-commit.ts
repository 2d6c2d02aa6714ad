import type { HeartbeatWrite, HeartbeatWriteResult, Store } from './store.js';

/** Options of the group-commit writer. */
export interface GroupCommitOptions {
  /** Most heartbeats in one transaction. */
  maxBatch: number;
  /**
   * Most payload bytes in one transaction (a batch always holds at least one heartbeat). Why: in the D4 burst, the fifteen
   * 4 MiB heartbeats queued behind the first went into one transaction, which did not commit within the 8 s store
   * deadline, so all fifteen got 503 (issue 12); in batches of two they are acknowledged as each commits. Default: no byte bound.
   */
  maxBatchBytes?: number;
  /** Transactions in flight at once: 1 for SQLite (one writer, synchronous), a few for PostgreSQL (network round trips). */
  maxConcurrent?: number;
  /** Called with each transaction's duration and size (commit latency metric). */
  onCommit?: (seconds: number, size: number) => void;
}

interface Pending {
  write: HeartbeatWrite;
  resolve: (r: HeartbeatWriteResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit (HB-9): heartbeats that arrive while a transaction runs wait and go together in the next one;
 * each caller's promise resolves only after the transaction holding its heartbeat committed.
 * At most maxConcurrent transactions are in flight, so a batch holds what queued meanwhile (at most maxBatch).
 */
export class GroupCommitWriter {
  private queue: Pending[] = [];
  private running = 0;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly store: Store,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Heartbeats queued or in the transaction now: the load-shedding bound compares against it (HB-10). */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  /** Queues one heartbeat; resolves after its commit. */
  write(write: HeartbeatWrite): Promise<HeartbeatWriteResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (this.running < (this.options.maxConcurrent ?? 1) && (this.running === 0 || this.queue.length > 1)) {
        this.running++;
        // Let the requests already parsed in this turn of the event loop join the batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Resolves once nothing is queued or in flight (graceful shutdown). */
  idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** How many queued heartbeats the next batch takes: at most maxBatch and maxBatchBytes of payload, at least one. */
  private batchLength(): number {
    const maxBytes = this.options.maxBatchBytes ?? Number.POSITIVE_INFINITY;
    let bytes = 0;
    let n = 0;
    while (n < this.queue.length && n < this.options.maxBatch) {
      bytes += this.queue[n]!.write.payloadJson.length;
      if (n > 0 && bytes > maxBytes) break;
      n++;
    }
    return n;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.batchLength());
      this.inFlight += batch.length;
      const started = performance.now();
      try {
        const results = await this.store.writeHeartbeats(batch.map((p) => p.write));
        this.options.onCommit?.((performance.now() - started) / 1000, batch.length);
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch {
        // One bad row must not fail its neighbours: retry each alone so only the faulty one is rejected.
        for (const p of batch) {
          try {
            const [result] = await this.store.writeHeartbeats([p.write]);
            p.resolve(result!);
          } catch (err) {
            p.reject(err);
          }
        }
      }
      this.inFlight -= batch.length;
    }
    this.running--;
    if (this.running === 0) for (const w of this.idleWaiters.splice(0)) w();
  }
}
