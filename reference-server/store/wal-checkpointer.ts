import { Worker } from 'node:worker_threads';

const ENTRY = import.meta.url.endsWith('.ts') ? new URL('./checkpoint-worker-entry.mjs', import.meta.url) : new URL('./checkpoint-worker.js', import.meta.url);

/** What the checkpoint thread is started with. */
export interface CheckpointerData {
  path: string;
  /** Pause between rounds. */
  intervalMs: number;
  /** WAL length (frames, ~4 KiB each) from which a round also restarts the WAL from its start. */
  restartFrames: number;
  /** How long a RESTART waits for the writer's transaction before it gives up until the next round. */
  busyTimeoutMs: number;
  /** Whether each round is posted back (only when someone listens: 4 messages a second into the ingest thread otherwise). */
  reportRounds: boolean;
}

/** One checkpoint round: the WAL's length in frames when it began, whether the WAL restarted, and how long it took. */
export interface CheckpointRound {
  frames: number;
  restarted: boolean;
  ms: number;
}

/** A message of the checkpoint thread: a round done, or why it stopped. */
export type CheckpointerReport = { round: CheckpointRound } | { failed: string };

/** A running checkpoint thread. */
export interface WalCheckpointer {
  /** Stops the thread and resolves once its connection is closed. */
  stop(): Promise<void>;
}

/** Defaults: ~4 rounds a second, and the WAL restarted once it holds ~16 MiB. */
export const CHECKPOINT_DEFAULTS = { intervalMs: 250, restartFrames: 4000, busyTimeoutMs: 200 } as const;

/**
 * Checkpoints the SQLite database at `path` from a thread of its own. Why: in WAL mode the commit that takes the WAL
 * past `wal_autocheckpoint` runs the checkpoint itself, synchronously, on the committing thread. At 2,000 heartbeats/s
 * that was the ingest thread, about ten times a second: commits of 75 heartbeats over 2,000 agents cost 221-230 µs per
 * heartbeat with inline checkpoints and 137-151 without (issue 13). The thread never keeps the process alive;
 * `onFailed` lets the store fall back to inline checkpoints if it stops.
 */
export function startWalCheckpointer(
  path: string,
  options: Partial<Omit<CheckpointerData, 'path' | 'reportRounds'>> & { onRound?: (round: CheckpointRound) => void; onFailed?: (reason: string) => void } = {},
): WalCheckpointer {
  const { onRound, onFailed, ...tuning } = options;
  const data: CheckpointerData = { ...CHECKPOINT_DEFAULTS, ...tuning, path, reportRounds: onRound !== undefined };
  const worker = new Worker(ENTRY, { workerData: data });
  worker.unref();
  let stopping = false;
  worker.on('message', (report: CheckpointerReport) => {
    if ('round' in report) onRound?.(report.round);
    else onFailed?.(report.failed);
  });
  worker.on('error', (err) => onFailed?.(err.message));
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      if (!stopping && code !== 0) onFailed?.(`the checkpoint thread exited with code ${code}`);
      resolve();
    }),
  );
  return {
    async stop() {
      stopping = true;
      worker.ref(); // an unref'd worker would let the process exit with this wait unsettled
      worker.postMessage('stop');
      await exited;
    },
  };
}
