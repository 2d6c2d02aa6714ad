/**
 * The WAL checkpoint thread of the SQLite store (started by wal-checkpointer.ts): its own connection copies committed
 * WAL frames into the database file, so the ingest thread's commits never run a checkpoint inline.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { CheckpointerData, CheckpointerReport, CheckpointRound } from './wal-checkpointer.js';

const port = parentPort;
if (!port) throw new Error('checkpoint-worker.ts runs only as a worker thread; start it with startWalCheckpointer().');
const data = workerData as CheckpointerData;
const db = new Database(data.path);
// NORMAL (or FULL) is what makes a checkpoint sync the WAL before copying and the database file after it; OFF would not.
db.pragma('synchronous = NORMAL');
// RESTART waits for the writer's current transaction; past this it gives up and tries again next round.
db.pragma(`busy_timeout = ${data.busyTimeoutMs}`);
db.pragma('wal_autocheckpoint = 0');

type CheckpointRow = { busy: number; log: number; checkpointed: number };

/** One round: copy what it can without waiting (PASSIVE), and restart the WAL from its start once it is long. */
function checkpoint(): CheckpointRound {
  const started = performance.now();
  const passive = (db.pragma('wal_checkpoint(PASSIVE)') as CheckpointRow[])[0]!;
  let restarted = false;
  // A writer that commits every few ms keeps adding frames during a PASSIVE pass, so the WAL would never start over by
  // itself; RESTART holds the writer back only while it copies the few frames committed since (then the WAL is reused).
  if (passive.log >= data.restartFrames) {
    const r = (db.pragma('wal_checkpoint(RESTART)') as CheckpointRow[])[0]!;
    restarted = r.busy === 0;
  }
  return { frames: passive.log, restarted, ms: performance.now() - started };
}

let timer: NodeJS.Timeout | undefined;
const schedule = () => {
  timer = setTimeout(() => {
    try {
      const round = checkpoint();
      if (data.reportRounds) port.postMessage({ round } satisfies CheckpointerReport);
      schedule();
    } catch (err) {
      // Busy is a round that could not finish (a long read, the writer mid-commit): the next one tries again.
      if ((err as { code?: string }).code === 'SQLITE_BUSY') {
        schedule();
        return;
      }
      port.postMessage({ failed: (err as Error).message } satisfies CheckpointerReport);
      db.close();
      port.close();
    }
  }, data.intervalMs);
};
schedule();

port.on('message', (message: 'stop') => {
  if (message !== 'stop') return;
  clearTimeout(timer);
  db.close();
  port.close();
});
