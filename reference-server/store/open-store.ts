import { openPostgresStore } from './postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

/** True when `database` names PostgreSQL rather than a SQLite file. */
export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

/** Opens the store `--database` names: a postgres:// URL (optionally `?schema=NAME`) or a SQLite file path. */
export async function openStore(database: string): Promise<Store> {
  return isPostgresUrl(database) ? openPostgresStore(database) : openSqliteStore(database);
}
