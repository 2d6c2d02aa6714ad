import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startWalCheckpointer, type CheckpointRound } from './wal-checkpointer.js';

/** A WAL database that never checkpoints by itself, as the store's connection nearly never does. */
function openWriter(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, payload TEXT)');
  return db;
}

/** Writes `rows` rows of ~4 KiB in transactions of 20, yielding between them, for at least `minMs`. */
async function writeFor(db: Database.Database, rows: number, minMs: number): Promise<void> {
  const insert = db.prepare('INSERT INTO t (payload) VALUES (?)');
  const batch = db.transaction((n: number) => {
    for (let i = 0; i < n; i++) insert.run(`${i}-${'x'.repeat(4000)}`);
  });
  const started = Date.now();
  for (let written = 0; written < rows || Date.now() - started < minMs; written += 20) {
    if (written < rows) batch.immediate(20);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const walBytes = (path: string) => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);

describe('WAL checkpoint thread (the ingest thread never checkpoints inline)', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the WAL bounded under continuous writes by restarting it, and loses no row', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanet-ckpt-'));
    const path = join(dir, 'a.db');
    const db = openWriter(path);
    const rounds: CheckpointRound[] = [];
    const checkpointer = startWalCheckpointer(path, { intervalMs: 10, restartFrames: 300, onRound: (r) => rounds.push(r) });
    await expect.poll(() => rounds.length, { timeout: 10_000 }).toBeGreaterThan(0); // the thread is up (tsx loads first)
    await writeFor(db, 3000, 500); // ~12 MB of rows; without checkpoints the WAL would hold all of it
    await checkpointer.stop();
    expect(rounds.some((r) => r.restarted)).toBe(true);
    expect(walBytes(path)).toBeLessThan(4 * 1024 * 1024); // a third of what was written
    expect((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBeGreaterThanOrEqual(3000);
    db.close();
  });

  it('without it the same writes leave the whole load in the WAL (what the test above guards against)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanet-ckpt-'));
    const path = join(dir, 'b.db');
    const db = openWriter(path);
    await writeFor(db, 3000, 0);
    expect(walBytes(path)).toBeGreaterThan(12 * 1024 * 1024);
    db.close();
  });

  it('stop() closes its connection, so the writer is the last one and removes the WAL as it closes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanet-ckpt-'));
    const path = join(dir, 'c.db');
    const db = openWriter(path);
    const checkpointer = startWalCheckpointer(path, { intervalMs: 10 });
    await writeFor(db, 100, 100);
    await checkpointer.stop();
    db.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('reports why it stopped when it cannot open the database', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanet-ckpt-'));
    const failures: string[] = [];
    const checkpointer = startWalCheckpointer(join(dir, 'missing', 'd.db'), { intervalMs: 10, onFailed: (reason) => failures.push(reason) });
    await expect.poll(() => failures.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await checkpointer.stop();
    expect(failures[0]).toMatch(/directory|unable to open|exit/i);
  });
});
