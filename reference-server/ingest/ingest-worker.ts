/**
 * The ingest thread (started by ingest-thread.ts): it owns the store and does the CPU-heavy half of every heartbeat,
 * JSON.parse, validation, escrow encryption, redaction and the group commit, so the HTTP thread only reads bodies and
 * answers. better-sqlite3 is synchronous: each commit blocks this thread, never the HTTP one (its WAL sync does not).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEscrowCipher } from '../escrow/escrow-cipher.js';
import { HttpProblem } from '../http/problem.js';
import { GroupCommitWriter } from '../store/group-commit.js';
import { HistoryPruner } from './history-pruner.js';
import { openStore } from '../store/open-store.js';
import type { HeartbeatWrite, Store } from '../store/store.js';
import type { IngestCall, IngestMessage, IngestOutcome, IngestWorkerData } from './ingest-protocol.js';
import { MessageBatcher } from './message-batcher.js';
import { warmUpIngest } from './warm-up-ingest.js';
import { prepareHeartbeat, rememberEscrowed, type EscrowedDigests, type IngestItem } from './prepare-heartbeat.js';

const port = parentPort;
if (!port) throw new Error('ingest-worker.ts runs only as a worker thread; start it with startIngestThread().');
// Answers leave in batches, one postMessage per turn of this thread's event loop (message-batcher.ts).
const outbox = new MessageBatcher<IngestMessage>((batch) => port.postMessage(batch));
const post = (message: IngestMessage) => outbox.post(message);
const data = workerData as IngestWorkerData;

let store: Store;
try {
  store = await openStore(data.database);
} catch (err) {
  post({ id: 0, error: { message: (err as Error).message, code: (err as { code?: string }).code } });
  outbox.flush();
  process.exit(1);
}
const cipher = createEscrowCipher(Buffer.from(data.escrowKey));
const escrowed: EscrowedDigests = new Map();
/** Most payload bytes in one group commit: two heartbeats at the 4 MiB limit, thousands of ordinary ones (D4). */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;
const writer = new GroupCommitWriter(store, {
  maxBatch: data.maxBatch,
  maxBatchBytes: MAX_BATCH_BYTES,
  // PostgreSQL: one batch in flight, so agent rows are never locked in two orders. SQLite: better-sqlite3 commits
  // synchronously, so transactions never overlap; the second slot lets the next batch commit while the previous one
  // waits for its WAL sync (wal-flush.ts) instead of waiting behind it.
  maxConcurrent: store.kind === 'sqlite' ? 2 : 1,
  onCommit: (seconds, size) => post({ commit: [seconds, size] }),
});
// Retention: bounded pruning steps between commits; an agent a commit put over its budget is pruned first.
const pruner = new HistoryPruner(
  store,
  data.retention,
  (kind, step) => post({ pruned: [kind, step.deletedRows, step.deletedBytes] }),
  (err) => post({ pruneFailed: err.message }),
);
pruner.start();

/** Prepares and commits one heartbeat; a refusal is an outcome, not an error, so the HTTP thread answers it as sent. */
async function ingest(item: IngestItem): Promise<IngestOutcome> {
  if (item.answerByMs !== undefined && Date.now() > item.answerByMs) return { result: 'expired' }; // its 503 went out (GEN-8)
  let write: HeartbeatWrite;
  try {
    write = prepareHeartbeat(item, cipher, escrowed);
  } catch (err) {
    if (!(err instanceof HttpProblem)) throw err;
    const problem = { status: err.status, slug: err.slug, title: err.title, detail: err.detail, ...(err.extra.errors ? { errors: err.extra.errors } : {}) };
    return { result: err.status === 403 ? 'forbidden' : 'invalid', problem };
  }
  if (item.tokenAsset === null) await store.ensureLegacyAgent(write.assetId, item.receivedAtMs); // AUTH-5 legacy mode
  const committed = await writer.write(write); // HB-9: resolves only after the transaction holding it committed.
  if (!committed.duplicate) {
    rememberEscrowed(escrowed, write);
    pruner.noteCommit(write.assetId, committed.history);
  }
  return { result: committed.duplicate ? 'duplicate' : 'stored', receivedAtMs: committed.receivedAtMs, escrowRequired: committed.escrowRequired };
}

async function answer(call: IngestCall): Promise<unknown> {
  switch (call.op) {
    case 'ingest':
      return ingest(call.item);
    case 'store':
      return (store[call.method] as (...args: unknown[]) => Promise<unknown>).apply(store, call.args);
    case 'close':
      await writer.idle();
      await pruner.stop();
      await store.close();
      return undefined;
  }
}

const handle = (call: IngestCall): void => {
  void answer(call)
    .then(
      (value) => post({ id: call.id, value }),
      (err: unknown) => post({ id: call.id, error: { message: (err as Error)?.message ?? String(err), code: (err as { code?: string })?.code } }),
    )
    .finally(() => {
      if (call.op !== 'close') return;
      outbox.flush();
      port.close();
    });
};

port.on('message', (calls: IngestCall[]) => {
  for (const call of calls) handle(call);
});
// Compile the hot path before the first agent arrives (a fleet starting together meets the server at once).
// A failed warm-up costs only speed; the thread serves anyway.
if (data.warmUpHeartbeats) await warmUpIngest(data.warmUpHeartbeats).catch(() => undefined);
post({ id: 0, value: store.kind });
