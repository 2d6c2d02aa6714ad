import { Worker } from 'node:worker_threads';
import type { Store } from '../store/store.js';
import type { IngestCall, IngestMessage, IngestOutcome, IngestWorkerData, StoreMethod } from './ingest-protocol.js';
import type { IngestItem } from './prepare-heartbeat.js';
import { MessageBatcher } from './message-batcher.js';

// Compiled (the installed package), the thread runs ingest-worker.js directly; from the TypeScript sources it needs
// a small .mjs entry that registers tsx first (a worker thread does not inherit its parent's module loader).
const ENTRY = import.meta.url.endsWith('.ts') ? new URL('./ingest-worker-entry.mjs', import.meta.url) : new URL('./ingest-worker.js', import.meta.url);

/** The HTTP thread's handle on the ingest thread. */
export interface IngestThread {
  /** The store, each call answered by the ingest thread (reads, registration, settings). */
  store: Store;
  /** Parses, validates, escrows and commits one heartbeat; resolves after its commit (HB-9) or with its refusal. */
  ingest(item: IngestItem): Promise<IngestOutcome>;
  /** Heartbeats handed over and not yet answered: the load-shedding bound compares against it (HB-10). */
  readonly pending: number;
  /** When the oldest heartbeat still waiting for its commit was handed over (epoch ms), or undefined (GEN-8, /readyz). */
  readonly oldestPendingSinceMs: number | undefined;
  /** Settles with the error if the thread dies before the store is closed; never settles otherwise. */
  readonly died: Promise<Error>;
}

/** Options of the ingest thread. */
export interface IngestThreadOptions extends IngestWorkerData {
  /** Called with each group commit's duration and size (commit latency metric). */
  onCommit?: (seconds: number, size: number) => void;
  /** Called with each retention step that deleted something: why (age, or an agent over its budget), rows, bytes. */
  onPrune?: (reason: 'age' | 'agent', rows: number, bytes: number) => void;
  /** Called when a retention step failed (it is retried at the next sweep). */
  onPruneFailed?: (message: string) => void;
}

/** An error raised on the ingest thread, with the driver's code (e.g. SQLITE_BUSY) kept. */
export class IngestThreadError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'IngestThreadError';
  }
}

/**
 * Starts the ingest thread on `database` and resolves once its store is open. Why a thread: parsing, validating and
 * committing a heartbeat is most of its CPU cost, and better-sqlite3 commits synchronously; on the HTTP thread they
 * capped the server at one core. The thread keeps the process alive only while calls are pending; if it dies, every
 * pending and later call rejects (so /readyz answers 503 and heartbeats get 500, never a false 200).
 */
export async function startIngestThread(options: IngestThreadOptions): Promise<IngestThread> {
  const { onCommit, onPrune, onPruneFailed, ...data } = options;
  const worker = new Worker(ENTRY, { workerData: data satisfies IngestWorkerData });
  const waiters = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let ingesting = 0;
  const handedOverAt = new Map<number, number>(); // insertion order: the first entry is the oldest still waiting
  let failure: Error | undefined;
  let closing = false;
  let reportDeath: (err: Error) => void = () => undefined;
  const died = new Promise<Error>((resolve) => {
    reportDeath = resolve;
  });
  const fail = (err: Error) => {
    if (!failure && !closing) reportDeath(err);
    failure ??= err;
    for (const w of waiters.values()) w.reject(failure);
    waiters.clear();
    worker.unref();
  };
  const receive = (message: IngestMessage) => {
    if ('commit' in message) return onCommit?.(...message.commit);
    if ('pruned' in message) return onPrune?.(...message.pruned);
    if ('pruneFailed' in message) return onPruneFailed?.(message.pruneFailed);
    const waiter = waiters.get(message.id);
    if (!waiter) return;
    waiters.delete(message.id);
    if (waiters.size === 0) worker.unref();
    if (message.error) waiter.reject(new IngestThreadError(message.error.message, message.error.code));
    else waiter.resolve(message.value);
  };
  // The ingest thread answers in batches (message-batcher.ts).
  worker.on('message', (batch: IngestMessage[]) => {
    for (const message of batch) receive(message);
  });
  const outbox = new MessageBatcher<IngestCall>((batch) => worker.postMessage(batch));
  worker.on('error', (err) => fail(new IngestThreadError(`The ingest thread failed: ${err.message}`)));
  worker.on('exit', (code) => fail(new IngestThreadError(`The ingest thread stopped (exit code ${code}); restart the server.`)));

  const send = <T>(call: IngestCall): Promise<T> => {
    if (failure) return Promise.reject(failure);
    if (waiters.size === 0) worker.ref();
    return new Promise<T>((resolve, reject) => {
      waiters.set(call.id, { resolve: resolve as (v: unknown) => void, reject });
      outbox.post(call);
    });
  };
  const opened = new Promise<unknown>((resolve, reject) => waiters.set(0, { resolve, reject }));
  const kind = (await opened) as Store['kind'];
  const call = <T>(method: StoreMethod, args: unknown[]): Promise<T> => send<T>({ id: nextId++, op: 'store', method, args });

  let closed: Promise<void> | undefined;
  const store: Store = {
    kind,
    getSetting: (name) => call('getSetting', [name]),
    putSettingIfAbsent: (name, value) => call('putSettingIfAbsent', [name, value]),
    registerAgent: (input) => call('registerAgent', [input]),
    findAssetByTokenHash: (hash) => call('findAssetByTokenHash', [hash]),
    ensureLegacyAgent: (assetId, nowMs) => call('ensureLegacyAgent', [assetId, nowMs]),
    writeHeartbeats: (batch) => call('writeHeartbeats', [batch]),
    listAgents: () => call('listAgents', []),
    listAgentPage: (query) => call('listAgentPage', [query]),
    countAgents: (onlineSinceMs) => call('countAgents', [onlineSinceMs]),
    countAgentPage: (query) => call('countAgentPage', [query]),
    getAgent: (assetId) => call('getAgent', [assetId]),
    listHeartbeats: (assetId, limit, beforeId) => call('listHeartbeats', [assetId, limit, beforeId]),
    heartbeatSizes: (assetId, limit, beforeId) => call('heartbeatSizes', [assetId, limit, beforeId]),
    readEscrow: (audit) => call('readEscrow', [audit]),
    pruneExpired: (cutoffMs, maxRows, after) => call('pruneExpired', [cutoffMs, maxRows, after]),
    pruneAgentHistory: (assetId, limits, maxRows) => call('pruneAgentHistory', [assetId, limits, maxRows]),
    agentsOverHistoryLimits: (limits, max) => call('agentsOverHistoryLimits', [limits, max]),
    historyUsage: (assetId) => call('historyUsage', [assetId]),
    ping: () => call('ping', []),
    // Waits for queued commits, closes the database, then ends the thread.
    close: () =>
      (closed ??= (async () => {
        closing = true;
        if (!failure) await send({ id: nextId++, op: 'close' }).catch(() => undefined);
        await worker.terminate();
      })()),
  };
  return {
    store,
    get pending() {
      return ingesting;
    },
    get oldestPendingSinceMs() {
      return handedOverAt.values().next().value;
    },
    died,
    async ingest(item) {
      ingesting++;
      const id = nextId++;
      handedOverAt.set(id, Date.now());
      try {
        return await send<IngestOutcome>({ id, op: 'ingest', item });
      } finally {
        ingesting--;
        handedOverAt.delete(id);
      }
    },
  };
}
