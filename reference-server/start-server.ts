import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import pino, { type Logger } from 'pino';
import { createEscrowCipher, loadEscrowKey } from './escrow/escrow-cipher.js';
import type { AppContext } from './http/app-context.js';
import { createAgentRateLimiter } from './http/agent-rate-limit.js';
import { createApp } from './http/create-app.js';
import { AGENT_COUNTS_MAX_AGE_MS, cachedValue } from './http/cached-value.js';
import { withHeartbeatLane } from './http/heartbeat-lane.js';
import { createRequestTracker } from './http/request-log.js';
import { newToken, sha256Hex } from './http/credentials.js';
import { countAgents } from './http/fleet-routes.js';
import { createServerMetrics } from './http/server-metrics.js';
import { startIngestThread } from './ingest/ingest-thread.js';
import { isPostgresUrl } from './store/open-store.js';
import { SETTING_ADMIN_HASH, SETTING_ENROLLMENT_HASH, type Store } from './store/store.js';
import { checkConfig, type ServerConfig } from './server-config.js';

/** A started reference server. */
export interface RunningServer {
  url: string;
  port: number;
  store: Store;
  /** Secrets generated on this first start (shown once, stored only hashed); empty otherwise. */
  generated: { enrollmentSecret?: string; adminToken?: string };
  /** Where the escrow key came from, and whether it was just generated. */
  escrowKeySource: { source: string; generated: boolean };
  /** Stops accepting, finishes requests in flight and their commits, closes the database. */
  close: () => Promise<void>;
  /** Settles if the ingest thread dies: the server can then store nothing and should be restarted. */
  died: Promise<Error>;
}

// GEN-8: headers within 10 s and the whole request within 12 s, checked every second, so a slow client is cut off by
// 13 s: under the agent's 15 s timeout with margin for a loaded machine. A 4 MiB body needs only ~350 KB/s to make it.
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 12_000;
// D10: a fleet restarting at once opens thousands of connections together; node's default backlog (511) left 756-843
// of 6,000 first requests waiting over 15 s for a SYN retry. The kernel caps it at net.core.somaxconn.
export const LISTEN_BACKLOG = 8192;

/** Resolves the hash of a secret: from config, else stored, else generated now (returned so the caller can show it once). */
async function resolveSecret(store: Store, given: string | undefined, setting: string): Promise<{ hash: string; generated?: string }> {
  if (given !== undefined) return { hash: sha256Hex(given) };
  const stored = await store.getSetting(setting);
  if (stored !== undefined) return { hash: stored };
  const secret = newToken();
  const hash = await store.putSettingIfAbsent(setting, sha256Hex(secret));
  // Another server on the same database may have won the race; then its secret is the one in force.
  return hash === sha256Hex(secret) ? { hash, generated: secret } : { hash };
}

/** Default escrow key file: beside the SQLite file, or ./data/escrow.key for PostgreSQL. */
export function defaultEscrowKeyFile(database: string): string {
  return isPostgresUrl(database) || database === ':memory:' ? join('data', 'escrow.key') : join(dirname(database), 'escrow.key');
}

/** Starts the reference server; resolves once it accepts connections. */
export async function startServer(config: ServerConfig, logger: Logger = pino({ level: 'silent' })): Promise<RunningServer> {
  const problems = checkConfig(config);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const escrowKey = loadEscrowKey(config.escrowKey, config.escrowKeyFile ?? defaultEscrowKeyFile(config.database));
  // eslint-disable-next-line prefer-const
  let ctx: AppContext;
  // GEN-8: a scrape reads cached figures; the agent list is walked at most every AGENT_COUNTS_MAX_AGE_MS.
  const metrics = createServerMetrics(cachedValue(() => countAgents(ctx), AGENT_COUNTS_MAX_AGE_MS));
  // Parsing, validation, escrow and commits run on their own thread; this one serves HTTP (see ingest-thread.ts).
  const ingest = await startIngestThread({
    database: config.database, escrowKey: escrowKey.key, maxBatch: config.maxBatch,
    onCommit: (seconds, size) => { metrics.commitDuration.observe(seconds); metrics.commitBatchSize.observe(size); },
  });
  const store = ingest.store;
  try {
    const enrollment = await resolveSecret(store, config.enrollmentSecret, SETTING_ENROLLMENT_HASH);
    const admin = await resolveSecret(store, config.adminToken, SETTING_ADMIN_HASH);
    ctx = {
      config, store, ingest, metrics, logger, cipher: createEscrowCipher(escrowKey.key),
      enrollmentSecretHash: enrollment.hash, adminTokenHash: admin.hash, tokenCache: new Map(),
      agentLimiter: createAgentRateLimiter(config.agentRateLimit), draining: false,
    };
    const track = createRequestTracker(logger, metrics);
    const server: Server = createServer({
      headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1_000, keepAliveTimeout: 5_000,
    }, withHeartbeatLane(ctx, createApp(ctx, track), track));
    // No clientError handler: node's own answers (400, 408 on a header timeout, 431) then closing the socket are right (GEN-6, GEN-8).
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, () => { server.off('error', reject); resolve(); });
    });
    const port = (server.address() as AddressInfo).port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    let closing: Promise<void> | undefined;
    const close = () => (closing ??= (async () => {
      ctx.draining = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Requests in flight get up to the request timeout to finish; then their sockets are cut.
      const force = setTimeout(() => server.closeAllConnections(), REQUEST_TIMEOUT_MS);
      await stopped;
      clearTimeout(force);
      await store.close(); // the ingest thread finishes its queued commits first
    })());
    return {
      url: `http://${host}:${port}`, port, store, close, died: ingest.died,
      generated: { enrollmentSecret: enrollment.generated, adminToken: admin.generated },
      escrowKeySource: { source: escrowKey.source, generated: escrowKey.generated },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
