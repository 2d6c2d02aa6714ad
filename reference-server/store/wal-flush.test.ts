import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store.js';
import { plainHeartbeatWrite } from '../test/heartbeat-write.js';
import { WalFlusher, walFileSync } from './wal-flush.js';

/** A sync the test finishes by hand: each call is recorded with its resolve and reject. */
function heldSyncs() {
  const calls: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  const sync = () => new Promise<void>((resolve, reject) => calls.push({ resolve, reject }));
  return { calls, sync };
}

/** Whether `p` has settled after the microtasks and one macrotask queued now have run. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setTimeout(r, 5));
  return done;
}

describe('WalFlusher (HB-9 off the committing thread)', () => {
  it('a flush called while a sync runs waits for the next sync; calls made meanwhile share it', async () => {
    const { calls, sync } = heldSyncs();
    const flusher = new WalFlusher(sync);
    const first = flusher.flush();
    expect(calls).toHaveLength(1);
    // Committed after sync 1 began: sync 1 may not cover these.
    const second = flusher.flush();
    const third = flusher.flush();
    expect(calls).toHaveLength(1);
    calls[0]!.resolve();
    await first;
    expect(await settled(second)).toBe(false);
    expect(calls).toHaveLength(2);
    calls[1]!.resolve();
    await Promise.all([second, third]);
    expect(calls).toHaveLength(2);
  });

  it('a failed sync rejects its waiters, and the next flush syncs again', async () => {
    const { calls, sync } = heldSyncs();
    const flusher = new WalFlusher(sync);
    const first = flusher.flush();
    const queued = flusher.flush();
    calls[0]!.reject(new Error('EIO'));
    await expect(first).rejects.toThrow('EIO');
    calls[1]!.reject(new Error('EIO again'));
    await expect(queued).rejects.toThrow('EIO again');
    const later = flusher.flush();
    expect(calls).toHaveLength(3);
    calls[2]!.resolve();
    await expect(later).resolves.toBeUndefined();
  });

  it('idle() resolves only after the running and the queued sync', async () => {
    const { calls, sync } = heldSyncs();
    const flusher = new WalFlusher(sync);
    void flusher.flush();
    void flusher.flush();
    const idle = flusher.idle();
    calls[0]!.resolve();
    expect(await settled(idle)).toBe(false);
    calls[1]!.resolve();
    await idle;
  });
});

describe('the SQLite store answers writes only after the WAL sync', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('registerAgent and writeHeartbeats stay pending while the sync is held, and the rows are readable once it ends', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanet-wal-'));
    const { calls, sync } = heldSyncs();
    const store = openSqliteStore(join(dir, 'lanet.db'), { syncWal: sync });
    // Migrations write nothing through the flusher; the first call is the registration's.
    const registered = store.registerAgent({ fingerprint: 'fp-wal-0123456789abcdef', hostname: 'h', tokenHash: 't', newAssetId: 'a', nowMs: 1 });
    expect(await settled(registered)).toBe(false);
    calls.at(-1)!.resolve();
    await registered;
    const write = plainHeartbeatWrite('a', '2026-12-02T20:00:00Z', 2, '{}');
    const written = store.writeHeartbeats([write]);
    expect(await settled(written)).toBe(false);
    calls.at(-1)!.resolve();
    expect((await written)[0]!.duplicate).toBe(false);
    expect(await store.listHeartbeats('a', 10)).toHaveLength(1);
    await store.close();
  });

  it('a file store syncs its real WAL file (fdatasync) and keeps what it answered across a reopen; an in-memory store needs no sync', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanet-wal-'));
    const path = join(dir, 'lanet.db');
    const store = openSqliteStore(path);
    await store.registerAgent({ fingerprint: 'fp-wal-0123456789abcdef', hostname: 'h', tokenHash: 't', newAssetId: 'a', nowMs: 1 });
    await store.close();
    const reopened = openSqliteStore(path);
    expect(await reopened.findAssetByTokenHash('t')).toBe('a');
    await reopened.close();
    const memory = openSqliteStore(':memory:');
    await memory.registerAgent({ fingerprint: 'fp-wal-0123456789abcdef', hostname: 'h', tokenHash: 't', newAssetId: 'a', nowMs: 1 });
    expect(await memory.findAssetByTokenHash('t')).toBe('a');
    await memory.close();
  });

  it('walFileSync reports a missing WAL file and retries the open on the next call', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanet-wal-'));
    const path = join(dir, 'later.db');
    const wal = walFileSync(path);
    await expect(wal.sync()).rejects.toMatchObject({ code: 'ENOENT' });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.prepare('CREATE TABLE t (x)').run();
    await expect(wal.sync()).resolves.toBeUndefined();
    await wal.close();
    db.close();
  });
});
