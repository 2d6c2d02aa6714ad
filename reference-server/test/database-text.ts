import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { parsePostgresUrl } from '../store/postgres-support.js';

/**
 * Everything the database holds, as text, so a test can prove a secret is absent at rest (AUTH-4, ESC-1).
 * SQLite: the raw bytes of the file and its WAL (freed pages included). PostgreSQL: every row of every table of the schema.
 */
export async function databaseText(database: string): Promise<string> {
  if (!/^postgres/.test(database)) {
    return [database, `${database}-wal`]
      .filter(existsSync)
      .map((f) => readFileSync(f).toString('latin1'))
      .join('\n');
  }
  const { connectionString, schema } = parsePostgresUrl(database);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const tables = await client.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
    const parts: string[] = [];
    for (const { table_name } of tables.rows as Array<{ table_name: string }>) {
      const rows = await client.query(`SELECT t::text AS row FROM "${schema}"."${table_name}" t`);
      parts.push(...rows.rows.map((r) => r.row as string));
    }
    return parts.join('\n');
  } finally {
    await client.end();
  }
}

/** Runs one read-only SQL query on the test database (works for both stores: `?` placeholders are rewritten for pg). */
export async function queryDatabase(database: string, sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  if (!/^postgres/.test(database)) {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(database, { readonly: true });
    try {
      return db.prepare(sql).all(...params) as Array<Record<string, unknown>>;
    } finally {
      db.close();
    }
  }
  const { connectionString, schema } = parsePostgresUrl(database);
  const client = new pg.Client({ connectionString, options: `-c search_path="${schema}"` });
  await client.connect();
  try {
    let i = 0;
    return (
      await client.query(
        sql.replace(/\?/g, () => `$${++i}`),
        params,
      )
    ).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}
