/**
 * Seeds a large fleet straight into a database (FLT-5 scale checks, the dashboard test, figures in the README):
 * registering 100,000 agents over HTTP would take minutes, a bulk insert takes seconds. The rows look like what the
 * server writes: a third never seen, the rest seen within the last two days (so both online and offline), some partial,
 * some with a skewed clock. Run as a script to seed a database by hand: `tsx reference-server/test/seed-fleet.ts DB N`.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openStore, isPostgresUrl } from '../store/open-store.js';
import { parsePostgresUrl } from '../store/postgres-support.js';

/** One seeded agent row, in the agents table's own columns. */
interface SeedRow {
  assetId: string;
  hostname: string;
  registeredAt: number;
  lastSeenAt: number | null;
  partial: boolean;
  skew: number | null;
}

const DEPTS = ['ACCT', 'DEV', 'HR', 'LAB', 'OPS', 'SALES'];

/** Agent i's hostname, `WS-<dept>-<i>`: departments in runs of three, so each holds seen and never-seen agents. */
export function seedHostname(i: number): string {
  return `WS-${DEPTS[Math.floor(i / 3) % DEPTS.length]}-${String(i).padStart(6, '0')}`;
}

/** Deterministic rows (but the asset ids), so searches and sorts have known answers. */
export function seedRows(count: number, nowMs = Date.now()): SeedRow[] {
  const rows: SeedRow[] = [];
  for (let i = 0; i < count; i++) {
    const seen = i % 3 !== 0;
    rows.push({
      assetId: randomUUID(),
      hostname: seedHostname(i),
      registeredAt: nowMs - 30 * 86_400_000 + i,
      // Seen ones spread over the last 48 h: about 1 in 290 within the default 600 s offline threshold.
      lastSeenAt: seen ? nowMs - ((i * 7919) % 172_800_000) : null,
      partial: seen && i % 17 === 0,
      skew: seen ? (i % 50 === 1 ? -41_878_149.5 : ((i % 7) - 3) / 10) : null,
    });
  }
  return rows;
}

/** Inserts `count` agents into `database` (a SQLite path or a postgres URL), running the migrations first. */
export async function seedFleet(database: string, count: number, nowMs = Date.now()): Promise<void> {
  await (await openStore(database)).close(); // creates the tables and indexes
  const rows = seedRows(count, nowMs);
  if (!isPostgresUrl(database)) {
    const db = new Database(database);
    const insert = db.prepare(
      'INSERT INTO agents (asset_id, fingerprint, hostname, registered_at, last_seen_at, partial, clock_skew_s) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    db.transaction(() => {
      for (const r of rows) insert.run(r.assetId, `seed:${r.assetId}`, r.hostname, r.registeredAt, r.lastSeenAt, r.partial ? 1 : 0, r.skew);
    })();
    db.close();
    return;
  }
  const { connectionString, schema } = parsePostgresUrl(database);
  const client = new pg.Client({ connectionString, ...(schema ? { options: `-c search_path="${schema}"` } : {}) });
  await client.connect();
  try {
    for (let start = 0; start < rows.length; start += 10_000) {
      const chunk = rows.slice(start, start + 10_000);
      await client.query(
        `INSERT INTO agents (asset_id, fingerprint, hostname, registered_at, last_seen_at, partial, clock_skew_s)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::int8[], $6::bool[], $7::float8[])`,
        [
          chunk.map((r) => r.assetId),
          chunk.map((r) => `seed:${r.assetId}`),
          chunk.map((r) => r.hostname),
          chunk.map((r) => r.registeredAt),
          chunk.map((r) => r.lastSeenAt),
          chunk.map((r) => r.partial),
          chunk.map((r) => r.skew),
        ],
      );
    }
    await client.query('ANALYZE agents');
  } finally {
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [database, count] = process.argv.slice(2);
  if (!database || !Number(count)) {
    process.stderr.write('usage: tsx reference-server/test/seed-fleet.ts <sqlite-path|postgres-url> <agents>\n');
    process.exit(2);
  }
  await seedFleet(database, Number(count));
  process.stdout.write(`seeded ${count} agents into ${database}\n`);
}
