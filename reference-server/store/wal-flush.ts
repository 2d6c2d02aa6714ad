import { open, type FileHandle } from 'node:fs/promises';

/**
 * Makes committed SQLite transactions durable without blocking the thread that commits them (HB-9).
 *
 * Why: with `synchronous = FULL`, better-sqlite3 fsyncs the WAL inside every commit, synchronously, so the ingest thread
 * sat blocked in fsync for about a third of its time at 2,000 heartbeats/s and parsed nothing meanwhile (issue 13).
 * The store now commits with `synchronous = NORMAL` (SQLite still syncs the WAL before each checkpoint and its header
 * when the WAL is reused) and answers a write only after this flusher's fdatasync of the WAL file, run on libuv's pool,
 * has finished. A sync covers every transaction committed before it began; commits made while one runs share the next.
 */
export class WalFlusher {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  /** `sync` makes everything written to the WAL so far durable (fdatasync in production, a fake in tests). */
  constructor(private readonly sync: () => Promise<void>) {}

  /** Resolves once a sync that began after this call has finished; rejects if that sync failed. */
  flush(): Promise<void> {
    if (this.running === null) return this.start();
    // A sync already running may have begun before the caller's commit: it needs the next one.
    if (this.queued === null) {
      const next = (): Promise<void> => {
        this.queued = null;
        return this.start();
      };
      this.queued = this.running.then(next, next);
    }
    return this.queued;
  }

  /** Resolves once no sync is running or queued (close waits for it). */
  async idle(): Promise<void> {
    while (this.running !== null || this.queued !== null) await (this.queued ?? this.running)?.catch(() => undefined);
  }

  private start(): Promise<void> {
    const run = this.sync();
    this.running = run;
    const clear = (): void => {
      if (this.running === run) this.running = null;
    };
    run.then(clear, clear);
    return run;
  }
}

/** The fdatasync of one SQLite database's WAL file (`<path>-wal`), opened on first use and closed by `close()`. */
export function walFileSync(databasePath: string): { sync: () => Promise<void>; close: () => Promise<void> } {
  let handle: Promise<FileHandle> | null = null;
  return {
    async sync() {
      // r+: FlushFileBuffers on Windows needs write access. The WAL exists once a transaction committed, and SQLite
      // deletes it only when the last connection closes, so the handle stays on the live file while the store is open.
      handle ??= open(`${databasePath}-wal`, 'r+');
      let h: FileHandle;
      try {
        h = await handle;
      } catch (err) {
        handle = null;
        throw err;
      }
      await h.datasync();
    },
    async close() {
      const h = handle;
      handle = null;
      await (await h?.catch(() => null))?.close();
    },
  };
}
