/**
 * The benchmark's baseline: plain node:http + JSON.parse + the same Zod schema + the same INSERT into the same
 * heartbeats table, one autocommit per request, no auth, no escrow, no express. Run as a child process:
 *   node --conditions=@lanet/source --import tsx reference-server/bench/baseline-server.ts <sqlite-path | postgres-url> [FULL|NORMAL]
 * FULL (default) fsyncs every commit like the reference server; NORMAL (SQLite only) skips the per-commit fsync, which
 * survives kill -9 but not power loss: it shows the CPU-only ceiling.
 * It prints `listening on http://127.0.0.1:PORT` like the real server.
 */
import Database from 'better-sqlite3';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { HeartbeatRequestSchema } from '@lanet/contracts';
import { openStore } from '../store/open-store.js';
import { parsePostgresUrl } from '../store/postgres-support.js';

const INSERT = 'INSERT INTO heartbeats (asset_id, ts_raw, idempotency_key, received_at, partial, clock_skew_s, payload) VALUES';

/** Returns an insert function for the store the URL names; the tables come from the real store's migrations. */
async function openInsert(database: string, synchronous: 'FULL' | 'NORMAL'): Promise<(values: unknown[]) => Promise<void>> {
  await (await openStore(database)).close(); // migrations: the very same table and indexes
  if (!/^postgres/.test(database)) {
    const db = new Database(database);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('foreign_keys = ON'); // as the reference server: the insert checks the agent exists
    const stmt = db.prepare(`${INSERT} (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`);
    return async (values) => {
      stmt.run(...values);
    };
  }
  const { connectionString, schema } = parsePostgresUrl(database);
  const pool = new pg.Pool({ connectionString, max: 8, ...(schema ? { options: `-c search_path="${schema}"` } : {}) });
  return async (values) => {
    await pool.query(`${INSERT} ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`, values);
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function main(): Promise<void> {
  const database = process.argv[2];
  const synchronous = process.argv[3] === 'NORMAL' ? 'NORMAL' : 'FULL';
  if (!database) throw new Error('usage: baseline-server.ts <sqlite-path | postgres-url> [FULL|NORMAL]');
  const insert = await openInsert(database, synchronous);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const receivedAt = Date.now();
      let value: unknown;
      try {
        value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(res, 400, { error: 'malformed JSON' });
      }
      const parsed = HeartbeatRequestSchema.safeParse(value);
      if (!parsed.success) return reply(res, 400, { errors: parsed.error.issues.length });
      const hb = parsed.data;
      insert([hb.asset_id, hb.timestamp, null, receivedAt, 0, 0, JSON.stringify(value)]).then(
        () => reply(res, 200, { status: 'ok', received_at: new Date(receivedAt).toISOString(), next_heartbeat_in_s: 300 }),
        (err: Error) => reply(res, 500, { error: err.message }),
      );
    });
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
  });
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stderr.write(`baseline-server: ${(err as Error).message}\n`);
  process.exit(2);
});
