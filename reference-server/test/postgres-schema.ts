import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL the tests use (trust auth); LANET_TEST_POSTGRES_URL overrides it. */
export const TEST_POSTGRES_URL = process.env.LANET_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A random schema for one test run: the server creates it from `?schema=`; `drop()` removes it with everything in it. */
export interface TestSchema {
  name: string;
  /** The database URL with `?schema=NAME`. */
  url: string;
  drop: () => Promise<void>;
}

/** Picks a fresh schema name and returns its URL; nothing is created until a server or store opens it. */
export function newTestSchema(): TestSchema {
  const name = `lanet_test_${randomBytes(6).toString('hex')}`;
  const url = `${TEST_POSTGRES_URL}${TEST_POSTGRES_URL.includes('?') ? '&' : '?'}schema=${name}`;
  return {
    name,
    url,
    async drop() {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
