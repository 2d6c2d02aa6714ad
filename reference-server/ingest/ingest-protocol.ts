import type { FieldError } from '@lanet/contracts';
import type { Store } from '../store/store.js';
import type { RetentionOptions } from './history-pruner.js';
import type { IngestItem } from './prepare-heartbeat.js';

/** What the ingest thread starts from (structured-cloned into it). */
export interface IngestWorkerData {
  database: string;
  /** The 32-byte escrow key (ESC-1); it never leaves the process. */
  escrowKey: Uint8Array;
  maxBatch: number;
  /** History retention: the policy the thread's pruner applies (history-pruner.ts). */
  retention: RetentionOptions;
  /** Heartbeats to run through the hot path on a throwaway database before serving (warm-up-ingest.ts); 0 or absent: none. */
  warmUpHeartbeats?: number;
}

/** A refusal the ingest thread decided; the HTTP thread turns it into a problem+json answer. */
export interface ProblemInit {
  status: number;
  slug: string;
  title: string;
  detail: string;
  errors?: FieldError[];
}

/** The ingest thread's verdict on one heartbeat: committed (HB-9), a retry (HB-7), or refused before anything was stored. */
export type IngestOutcome =
  | { result: 'stored' | 'duplicate'; receivedAtMs: number; escrowRequired: boolean }
  | { result: 'invalid' | 'forbidden'; problem: ProblemInit }
  | { result: 'expired' };

/** A Store method the HTTP thread may call on the ingest thread. */
export type StoreMethod = Exclude<keyof Store, 'kind'>;

/** A message to the ingest thread. */
export type IngestCall =
  | { id: number; op: 'store'; method: StoreMethod; args: unknown[] }
  | { id: number; op: 'ingest'; item: IngestItem }
  | { id: number; op: 'close' };

/** A message from the ingest thread: the answer to call `id` (id 0: the store opened, with its kind), a commit's or a prune step's figures. */
export type IngestMessage =
  | { id: number; value: unknown; error?: undefined }
  | { id: number; error: { message: string; code?: string } }
  | { commit: [seconds: number, size: number] }
  | { pruned: [reason: 'age' | 'agent', rows: number, bytes: number] }
  | { pruneFailed: string };
