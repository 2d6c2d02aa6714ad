/** PostgreSQL store support: its migrations, the `?schema=` URL convention, and text the server can store. */
import { createHash } from 'node:crypto';
import { FLEET_INDEX_SQL } from './fleet-page-sql.js';
import { DEDUPE_INDEX_MIGRATION_SQL } from './dedupe-index-sql.js';
import { HISTORY_MIGRATION_SQL } from './history-sql.js';

/** Migrations, run in order once each and recorded in schema_migrations; BIGINT columns hold epoch milliseconds. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE agents (
     asset_id TEXT PRIMARY KEY, fingerprint TEXT UNIQUE, hostname TEXT, token_hash TEXT UNIQUE,
     registered_at BIGINT NOT NULL, last_seen_at BIGINT, partial BOOLEAN NOT NULL DEFAULT false,
     clock_skew_s DOUBLE PRECISION, latest_heartbeat_id BIGINT);
   CREATE TABLE heartbeats (
     id BIGSERIAL PRIMARY KEY, asset_id TEXT NOT NULL REFERENCES agents(asset_id), ts_raw TEXT NOT NULL,
     idempotency_key TEXT, received_at BIGINT NOT NULL, partial BOOLEAN NOT NULL, clock_skew_s DOUBLE PRECISION NOT NULL,
     payload TEXT NOT NULL);
   CREATE UNIQUE INDEX heartbeats_retry ON heartbeats(asset_id, ts_raw);
   CREATE UNIQUE INDEX heartbeats_idem ON heartbeats(asset_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
   CREATE TABLE escrow_keys (
     key_id TEXT PRIMARY KEY, asset_id TEXT NOT NULL REFERENCES agents(asset_id), drive_letter TEXT NOT NULL,
     ciphertext TEXT NOT NULL, digest TEXT NOT NULL, escrowed_at BIGINT NOT NULL);
   CREATE UNIQUE INDEX escrow_keys_dedupe ON escrow_keys(asset_id, drive_letter, digest);
   CREATE TABLE escrow_audit (
     audit_id TEXT PRIMARY KEY, actor TEXT NOT NULL, read_at BIGINT NOT NULL, asset_id TEXT NOT NULL, key_ids TEXT NOT NULL);`,
  // FLT-5: keyset pages of the fleet list by hostname or last seen, status filters and counts without a table scan.
  FLEET_INDEX_SQL.join(';\n'),
  // Retention: per-agent history counters and the indexes pruning walks (history-sql.ts).
  HISTORY_MIGRATION_SQL.join(';\n'),
  // HB-7: the retry indexes ordered by time first, so a heartbeat's entries append (dedupe-index-sql.ts).
  DEDUPE_INDEX_MIGRATION_SQL.join(';\n'),
];

/** Splits `?schema=NAME` off a postgres URL: tests and the conformance suite isolate runs in their own schema. */
export function parsePostgresUrl(url: string): { connectionString: string; schema: string | undefined } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`Invalid schema name '${schema}' in the database URL: use letters, digits and underscores (at most 63).`);
  }
  return { connectionString: parsed.toString(), schema };
}

/** PostgreSQL text cannot hold NUL; agent-supplied strings may (the contract allows it), so it becomes U+FFFD (GEN-6). */
export const pgText = <T extends string | null>(v: T): T => (typeof v === 'string' && v.includes('\u0000') ? v.replaceAll('\u0000', '\uFFFD') : v) as T;

const NEEDS_ENCODING = /[\u0000\uFFFD]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * D9, REG-3: the stored form of a hardware fingerprint. pgText() would map U+0000 to U+FFFD (and the driver maps an
 * unpaired surrogate to U+FFFD too), so two different machines could share one row and the second registration would
 * revoke the first one's token. A fingerprint holding U+0000, U+FFFD or an unpaired surrogate is stored instead as
 * U+FFFD + "utf16:" + the SHA-256 of its UTF-16 code units, which is injective; every other fingerprint is stored as
 * sent (no such stored value starts with U+FFFD, so the two forms never meet).
 */
export function pgFingerprint(fingerprint: string): string {
  if (!NEEDS_ENCODING.test(fingerprint)) return fingerprint;
  return `\uFFFDutf16:${createHash('sha256').update(fingerprint, 'utf16le').digest('hex')}`;
}
