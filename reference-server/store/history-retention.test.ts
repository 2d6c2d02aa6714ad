import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { plainHeartbeatWrite } from '../test/heartbeat-write.js';
import { newTestSchema, type TestSchema } from '../test/postgres-schema.js';
import { openStore } from './open-store.js';
import type { HeartbeatWrite, Store } from './store.js';

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 11, 1);
const NO_LIMIT = { maxCount: Infinity, maxBytes: Infinity };

/** One heartbeat write of `bytes` payload bytes (ASCII, so characters are bytes) received at `receivedAtMs`. */
function write(assetId: string, receivedAtMs: number, bytes = 100, idempotencyKey: string | null = null): HeartbeatWrite {
  const head = JSON.stringify({ asset_id: assetId, timestamp: new Date(receivedAtMs).toISOString(), pad: '' });
  const payloadJson = head.replace('"pad":""', `"pad":"${'x'.repeat(Math.max(0, bytes - head.length))}"`);
  return plainHeartbeatWrite(assetId, new Date(receivedAtMs).toISOString(), receivedAtMs, payloadJson, idempotencyKey);
}

/** Registers an agent and commits heartbeats received at the given times, one transaction each. */
async function agentWith(store: Store, times: number[], bytes = 100): Promise<string> {
  const assetId = randomUUID();
  await store.registerAgent({ fingerprint: `fp-${assetId}`, hostname: 'h', tokenHash: `t-${assetId}`, newAssetId: assetId, nowMs: NOW - 90 * DAY_MS });
  for (const t of times) await store.writeHeartbeats([write(assetId, t, bytes)]);
  return assetId;
}

/** Receive times of the agent's retained heartbeats, newest first. */
async function retained(store: Store, assetId: string): Promise<number[]> {
  return (await store.listHeartbeats(assetId, 10_000)).map((h) => h.receivedAtMs);
}

describe.each(['sqlite', 'postgres'] as const)('history retention in the %s store', (kind) => {
  let store: Store;
  let dir: string;
  let schema: TestSchema | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanet-retention-'));
    schema = kind === 'postgres' ? newTestSchema() : undefined;
    store = await openStore(schema ? schema.url : join(dir, 'lanet.db'));
  });
  afterAll(async () => {
    await store?.close();
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    // Nothing a test left over the age cutoff may leak into the next test's sweep.
    for (;;) if (!(await store.pruneExpired(NOW + 365 * DAY_MS, 10_000)).more) break;
  });

  it('writes report the retained count and bytes, and historyUsage agrees with the stored rows', async () => {
    const assetId = await agentWith(store, []);
    const [first] = await store.writeHeartbeats([write(assetId, NOW - 2, 300)]);
    expect(first!.history).toEqual({ count: 1, bytes: 300 });
    const [second, retry] = await store.writeHeartbeats([write(assetId, NOW - 1, 500), write(assetId, NOW - 2, 300)]);
    expect(second!.history).toEqual({ count: 2, bytes: 800 });
    expect(retry!.duplicate).toBe(true); // HB-7: a retry adds nothing
    // A write that asks for escrow takes the other commit path on PostgreSQL (a transaction per batch).
    const [third] = await store.writeHeartbeats([{ ...write(assetId, NOW, 200), protectedDrives: ['C:'] }]);
    expect(third).toMatchObject({ escrowRequired: true, history: { count: 3, bytes: 1000 } });
    expect(await store.historyUsage(assetId)).toEqual({ count: 3, bytes: 1000 });
    expect(await store.historyUsage(randomUUID())).toBeUndefined();
  });

  it('counts bytes as the database stores them: UTF-8, a lone surrogate as U+FFFD (3 bytes), whatever the characters', async () => {
    const assetId = await agentWith(store, []);
    const texts = ['é ü ß', '😀 emoji', 'lone \ud800 surrogate', '中文 テキスト'];
    const writes = texts.map((t, i) => {
      const w = write(assetId, NOW - 10 + i, 10);
      return { ...w, payloadJson: JSON.stringify({ asset_id: assetId, t }) };
    });
    await store.writeHeartbeats(writes);
    const stored = (await store.heartbeatSizes(assetId, 100)).reduce((n, [, bytes]) => n + bytes, 0);
    expect(stored).toBe(writes.reduce((n, w) => n + Buffer.byteLength(w.payloadJson, 'utf8'), 0));
    expect(await store.historyUsage(assetId)).toEqual({ count: texts.length, bytes: stored });
  });

  it('age: deletes heartbeats received before the cutoff, oldest first, and keeps every newer one', async () => {
    const old = [40, 39, 38, 31].map((d) => NOW - d * DAY_MS);
    const recent = [29, 10, 1].map((d) => NOW - d * DAY_MS);
    const assetId = await agentWith(store, [...old, ...recent]);
    let step = await store.pruneExpired(NOW - 30 * DAY_MS, 1_000);
    expect(step).toMatchObject({ deletedRows: 4, deletedBytes: 400, more: false });
    expect(await retained(store, assetId)).toEqual([...recent].reverse());
    expect(await store.historyUsage(assetId)).toEqual({ count: 3, bytes: 300 });
    step = await store.pruneExpired(NOW - 30 * DAY_MS, 1_000);
    expect(step.deletedRows).toBe(0);
  });

  it('age: an agent silent past the cutoff keeps its latest heartbeat (FLT-3)', async () => {
    const assetId = await agentWith(store, [NOW - 50 * DAY_MS, NOW - 45 * DAY_MS]);
    const before = await store.getAgent(assetId);
    await store.pruneExpired(NOW - 30 * DAY_MS, 1_000);
    expect(await retained(store, assetId)).toEqual([NOW - 45 * DAY_MS]);
    const after = await store.getAgent(assetId);
    expect(after!.latestPayloadJson).toBe(before!.latestPayloadJson);
    expect(after!.latestPayloadJson).not.toBeNull();
  });

  it('age: steps are bounded by maxRows and resume from their position until the sweep is done', async () => {
    // Three heartbeats share each receive time: a step that ends inside a tie must not skip the rest of it.
    const assetId = await agentWith(store, []);
    for (let i = 0; i < 25; i++) await store.writeHeartbeats([{ ...write(assetId, NOW - 60 * DAY_MS + Math.floor(i / 3) * 1000), timestampRaw: `tie-${i}` }]);
    await store.writeHeartbeats([write(assetId, NOW)]);
    let after: [number, number] | undefined;
    let steps = 0;
    let deleted = 0;
    for (;;) {
      const step = await store.pruneExpired(NOW - 30 * DAY_MS, 7, after);
      expect(step.deletedRows).toBeLessThanOrEqual(7);
      deleted += step.deletedRows;
      steps++;
      if (!step.more) break;
      after = step.next;
      expect(after).toBeDefined();
    }
    expect(deleted).toBe(25);
    expect(steps).toBeGreaterThanOrEqual(4); // ceil(25 / 7); rows kept as some agent's latest count towards a step too
    expect(await retained(store, assetId)).toEqual([NOW]);
  });

  it('count: keeps the newest maxCount heartbeats, in bounded steps', async () => {
    const times = Array.from({ length: 30 }, (_, i) => NOW - 1000 + i);
    const assetId = await agentWith(store, times);
    const limits = { maxCount: 10, maxBytes: Infinity };
    const first = await store.pruneAgentHistory(assetId, limits, 12);
    expect(first).toMatchObject({ deletedRows: 12, more: true });
    const second = await store.pruneAgentHistory(assetId, limits, 12);
    expect(second).toMatchObject({ deletedRows: 8, more: false });
    expect(await retained(store, assetId)).toEqual(times.slice(-10).reverse());
    expect(await store.historyUsage(assetId)).toEqual({ count: 10, bytes: 1000 });
    expect((await store.pruneAgentHistory(assetId, limits, 12)).deletedRows).toBe(0);
  });

  it('bytes: deletes the oldest heartbeats until the agent holds at most maxBytes of payload', async () => {
    const sizes = [1000, 200, 3000, 400, 500, 600];
    const assetId = await agentWith(store, []);
    for (const [i, size] of sizes.entries()) await store.writeHeartbeats([write(assetId, NOW - 100 + i, size)]);
    const step = await store.pruneAgentHistory(assetId, { maxCount: Infinity, maxBytes: 2000 }, 100);
    // 5700 bytes held; dropping 1000, 200, 3000 leaves 1500 <= 2000 (dropping only two would leave 4500).
    expect(step).toMatchObject({ deletedRows: 3, deletedBytes: 4200, more: false });
    expect(await store.historyUsage(assetId)).toEqual({ count: 3, bytes: 1500 });
    expect(await retained(store, assetId)).toEqual([NOW - 95, NOW - 96, NOW - 97]);
  });

  it('bytes: a budget smaller than the latest heartbeat keeps the latest alone, and the step says it is done', async () => {
    const assetId = await agentWith(store, [NOW - 3, NOW - 2, NOW - 1], 5000);
    const step = await store.pruneAgentHistory(assetId, { maxCount: 1_000, maxBytes: 1000 }, 100);
    expect(step).toMatchObject({ deletedRows: 2, more: false });
    expect(await retained(store, assetId)).toEqual([NOW - 1]);
    expect((await store.getAgent(assetId))!.latestPayloadJson).toContain(new Date(NOW - 1).toISOString());
    expect(await store.pruneAgentHistory(assetId, { maxCount: 1, maxBytes: 1 }, 100)).toMatchObject({ deletedRows: 0, more: false });
  });

  it('an agent within its limits loses nothing, and agentsOverHistoryLimits names only the agents over them', async () => {
    const small = await agentWith(store, [NOW - 3, NOW - 2], 100);
    const many = await agentWith(store, [NOW - 5, NOW - 4, NOW - 3, NOW - 2], 100);
    const heavy = await agentWith(store, [NOW - 2], 9000);
    const limits = { maxCount: 3, maxBytes: 8000 };
    const over = await store.agentsOverHistoryLimits(limits, 100);
    expect(over).toContain(many);
    expect(over).toContain(heavy);
    expect(over).not.toContain(small);
    expect(await store.pruneAgentHistory(small, limits, 100)).toMatchObject({ deletedRows: 0, more: false });
    expect(await retained(store, small)).toEqual([NOW - 2, NOW - 3]);
    expect(await store.agentsOverHistoryLimits(NO_LIMIT, 100)).toEqual([]);
  });

  it('HB-7: a retained heartbeat still answers its retries (timestamp or Idempotency-Key); a pruned one is forgotten with it', async () => {
    const assetId = await agentWith(store, []);
    await store.writeHeartbeats([write(assetId, NOW - 40 * DAY_MS, 100, 'key-old'), write(assetId, NOW - 1, 100, 'key-new')]);
    await store.pruneExpired(NOW - 30 * DAY_MS, 100);
    const [retryKept] = await store.writeHeartbeats([{ ...write(assetId, NOW, 100, 'key-new'), timestampRaw: 'other' }]);
    expect(retryKept).toMatchObject({ duplicate: true, receivedAtMs: NOW - 1 });
    // The spec: a key is remembered as long as the heartbeat it names is retained.
    const [afterPrune] = await store.writeHeartbeats([{ ...write(assetId, NOW, 100, 'key-old'), timestampRaw: 'other-2' }]);
    expect(afterPrune!.duplicate).toBe(false);
  });
});
