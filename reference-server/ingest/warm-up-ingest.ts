import { randomBytes, randomUUID } from 'node:crypto';
import { seedSizedHeartbeat } from '@lanet/contracts';
import { createEscrowCipher } from '../escrow/escrow-cipher.js';
import { GroupCommitWriter } from '../store/group-commit.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { prepareHeartbeat, rememberEscrowed, type EscrowedDigests } from './prepare-heartbeat.js';

/** What a warm-up did: heartbeats run through the hot path, and how long it took. */
export interface WarmUpFigures {
  heartbeats: number;
  ms: number;
}

/** Heartbeats per transaction in the warm-up: about what a group commit holds at PERF-1's rate. */
const WARM_UP_BATCH = 64;

/**
 * Runs `count` seed-sized heartbeats through this thread's hot path (JSON.parse, validation, redaction, escrow, group
 * commit) against a throwaway in-memory database, so that V8 has compiled it before the first agent arrives. Why: a
 * fresh server answered PERF-1's start-up burst at p50 250-590 ms for 2-3 seconds, a server that had already served a
 * minute at 50 ms (issue 13). How much of that is compiled code is not settled, so `--warm-up` is off by default
 * (reference-server/README.md). Nothing reaches the real store.
 */
export async function warmUpIngest(count: number): Promise<WarmUpFigures> {
  const started = performance.now();
  const store = openSqliteStore(':memory:');
  try {
    const cipher = createEscrowCipher(randomBytes(32));
    const escrowed: EscrowedDigests = new Map();
    const writer = new GroupCommitWriter(store, { maxBatch: WARM_UP_BATCH, maxConcurrent: 2 });
    const assetId = randomUUID();
    await store.registerAgent({ fingerprint: `warm-up-${assetId}`, hostname: 'warm-up', tokenHash: randomUUID(), newAssetId: assetId, nowMs: Date.now() });
    const template = { ...seedSizedHeartbeat(), asset_id: assetId };
    const baseMs = Date.now();
    let pending: Array<Promise<unknown>> = [];
    for (let i = 0; i < count; i++) {
      const text = JSON.stringify({ ...template, timestamp: new Date(baseMs + i * 1000).toISOString() });
      const write = prepareHeartbeat({ text, tokenAsset: assetId, idempotencyKey: `warm-up-${i}`, receivedAtMs: Date.now() }, cipher, escrowed);
      pending.push(writer.write(write).then((r) => r.duplicate || rememberEscrowed(escrowed, write)));
      if (pending.length === WARM_UP_BATCH) {
        await Promise.all(pending);
        pending = [];
      }
    }
    await Promise.all(pending);
    await writer.idle();
  } finally {
    await store.close();
  }
  return { heartbeats: count, ms: Math.round(performance.now() - started) };
}
