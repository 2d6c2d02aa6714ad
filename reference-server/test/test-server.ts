import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { defaultConfig, type ServerConfig } from '../server-config.js';
import { startServer, type RunningServer } from '../start-server.js';
import { newTestSchema } from './postgres-schema.js';

/** The two stores every protocol test runs against. */
export const STORE_KINDS = ['sqlite', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/** Credentials the test servers use. */
export const TEST_ENROLLMENT_SECRET = 'test-enrollment-secret-0123456789abcdef';
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef012345';
export const TEST_ESCROW_KEY = 'ab'.repeat(32);

/** A server running in this process on a free loopback port, with a fresh database of the given kind. */
export interface TestServer extends RunningServer {
  /** Stops the server and removes its database (temporary folder or PostgreSQL schema). */
  stop: () => Promise<void>;
  database: string;
}

/** Starts a reference server on port 0 with a fresh SQLite file or PostgreSQL schema. */
export async function startTestServer(kind: StoreKind, overrides: Partial<ServerConfig> = {}, logger?: Logger): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'lanet-rs-test-'));
  const schema = kind === 'postgres' ? newTestSchema() : undefined;
  const database = schema ? schema.url : join(dir, 'lanet.db');
  const config: ServerConfig = {
    ...defaultConfig,
    host: '127.0.0.1',
    port: 0,
    database,
    enrollmentSecret: TEST_ENROLLMENT_SECRET,
    adminToken: TEST_ADMIN_TOKEN,
    escrowKey: TEST_ESCROW_KEY,
    escrowKeyFile: join(dir, 'escrow.key'),
    ...overrides,
  };
  const server = await startServer(config, logger);
  return {
    ...server,
    database,
    stop: async () => {
      await server.close();
      await schema?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
