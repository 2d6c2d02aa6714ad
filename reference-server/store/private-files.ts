/**
 * D8: a SQLite database holds every inventory, so only the server's own user may read it. Its directory is created
 * 0700 and the database file 0600 before SQLite opens it; SQLite gives its -wal and -shm files the database file's
 * mode. A database file left 0644 by an older version is tightened to 0600 at start-up.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** Directory mode for data the server creates (owner only). */
export const PRIVATE_DIR_MODE = 0o700;
/** File mode for databases, keys and generated secrets (owner read/write only). */
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `path`'s directory (0700) and the file itself (0600) if missing; tightens an existing file and its WAL files to 0600. */
export function preparePrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!existsSync(path)) closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, PRIVATE_FILE_MODE);
  }
}
