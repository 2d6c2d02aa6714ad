import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTestSchema, type TestSchema } from '../test/postgres-schema.js';
import { GroupCommitWriter } from './group-commit.js';
import { plainHeartbeatWrite } from '../test/heartbeat-write.js';
import { openStore } from './open-store.js';
import type { HeartbeatWrite, Store } from './store.js';

const write = (assetId: string, ts: string): HeartbeatWrite => plainHeartbeatWrite(assetId, ts, Date.now(), '{}');

describe.each(['sqlite', 'postgres'] as const)('group commit on the %s store', (kind) => {
  let store: Store;
  let dir: string;
  let schema: TestSchema | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanet-gc-'));
    schema = kind === 'postgres' ? newTestSchema() : undefined;
    store = await openStore(schema?.url ?? join(dir, 'lanet.db'));
    for (const id of ['a', 'b', 'c'])
      await store.registerAgent({ fingerprint: `fp-${id}-0123456789abcdef`, hostname: id, tokenHash: `t-${id}`, newAssetId: id, nowMs: 1 });
  });
  afterAll(async () => {
    await store?.close();
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a batch holds at most maxBatchBytes of payload (at least one heartbeat), so large heartbeats are acknowledged a few at a time', async () => {
    const sizes: number[] = [];
    const writer = new GroupCommitWriter(store, { maxBatch: 50, maxBatchBytes: 2.5 * 1024 * 1024, onCommit: (_s, n) => sizes.push(n) });
    const big = (i: number): HeartbeatWrite => ({ ...write('c', `big-${i}`), payloadJson: JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }) }); // agent c: the other tests count a and b
    const huge: HeartbeatWrite = { ...write('c', 'huge'), payloadJson: JSON.stringify({ pad: 'x'.repeat(3 * 1024 * 1024) }) };
    await Promise.all([...Array.from({ length: 6 }, (_, i) => writer.write(big(i))), writer.write(huge)]);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(7);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2); // 1 MiB each: two fit 2.5 MiB, three do not
    await writer.idle();
  });

  it('commits concurrent writes in batches and resolves each after its commit (HB-9)', async () => {
    const sizes: number[] = [];
    const writer = new GroupCommitWriter(store, { maxBatch: 50, maxConcurrent: kind === 'postgres' ? 4 : 1, onCommit: (_s, n) => sizes.push(n) });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => writer.write(write(i % 2 ? 'a' : 'b', `ts-${i}`))));
    expect(results.every((r) => !r.duplicate)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(200);
    expect(Math.max(...sizes)).toBeGreaterThan(1); // really grouped
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
    expect((await store.listHeartbeats('a', 500)).length).toBe(100);
    await writer.idle();
    expect(writer.pending).toBe(0);
  });

  it('a write that fails rejects alone; its batch neighbours still commit', async () => {
    const writer = new GroupCommitWriter(store, { maxBatch: 50 });
    const outcomes = await Promise.allSettled([writer.write(write('a', 'x-1')), writer.write(write('no-such-agent', 'x-2')), writer.write(write('b', 'x-3'))]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('retries within one batch are stored once and answered with the first receive time (HB-7)', async () => {
    const writer = new GroupCommitWriter(store, { maxBatch: 50 });
    const first = { ...write('a', 'dup-1'), receivedAtMs: 1000 };
    const results = await Promise.all([writer.write(first), writer.write({ ...first, receivedAtMs: 2000 })]);
    expect(results.map((r) => [r.duplicate, r.receivedAtMs])).toEqual([
      [false, 1000],
      [true, 1000],
    ]);
  });
});
