import { createHmac } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import pino, { type Logger } from 'pino';
import { createEscrowCipher, loadEscrowKey } from './escrow/escrow-cipher.js';
import type { AppContext } from './http/app-context.js';
import { createAgentRateLimiter } from './http/agent-rate-limit.js';
import { createAuthThrottle } from './http/auth-throttle.js';
import { createBodyBudget } from './http/body-budget.js';
import { createApp } from './http/create-app.js';
import { AGENT_COUNTS_MAX_AGE_MS, cachedValue } from './http/cached-value.js';
import { withHeartbeatLane } from './http/heartbeat-lane.js';
import { createRequestTracker } from './http/request-log.js';
import { newToken, sha256Hex } from './http/credentials.js';
import { countAgents } from './http/fleet-routes.js';
import { createServerMetrics } from './http/server-metrics.js';
import { READY_DEADLINE_MS, withDeadline } from './http/store-deadline.js';
import { startIngestThread } from './ingest/ingest-thread.js';
import { TokenCache } from './http/token-cache.js';
import { isPostgresUrl } from './store/open-store.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './store/private-files.js';
import { listenForRevocations, type RevocationListener } from './store/postgres-revocations.js';
import { SETTING_ADMIN_HASH, SETTING_ENROLLMENT_HASH, type Store } from './store/store.js';
import { checkConfig, type ServerConfig } from './server-config.js';
import { retentionOptions } from './history-config.js';
import { retentionReporting } from './ingest/retention-reporting.js';
import { warmUpHttp } from './warm-up-http.js';

/** A started reference server. */
export interface RunningServer {
  url: string;
  port: number;
  store: Store;
  /** Secrets generated on this first start (stored only hashed in the database); empty otherwise. */
  generated: { enrollmentSecret?: string; adminToken?: string };
  /** The 0600 file the generated secrets were written to (never the log stream, AUTH-4); undefined when none were. */
  generatedSecretsFile: string | undefined;
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

/** Setting holding an HMAC of a fixed text under the escrow key: every server on one database must use the same key. */
const SETTING_ESCROW_KEY_CHECK = 'escrow_key_check';

/** Refuses to start with an escrow key other than the one this database's keys are sealed with (ESC-1, several instances). */
async function checkEscrowKey(store: Store, key: Uint8Array): Promise<void> {
  const check = createHmac('sha256', key).update('lanet escrow key check v1').digest('hex');
  if ((await store.putSettingIfAbsent(SETTING_ESCROW_KEY_CHECK, check)) !== check) {
    throw new Error(
      'The escrow key differs from the one this database already uses: keys escrowed by the other server(s) could not be read. ' +
        'Give every server on this database the same key (LANET_ESCROW_KEY, or the same --escrow-key-file).',
    );
  }
}

/** Default escrow key file: beside the SQLite file, or ./data/escrow.key for PostgreSQL. */
export function defaultEscrowKeyFile(database: string): string {
  return isPostgresUrl(database) || database === ':memory:' ? join('data', 'escrow.key') : join(dirname(database), 'escrow.key');
}

/** Default file for secrets generated at first start: beside the SQLite file, or ./data for PostgreSQL. */
export function defaultSecretsFile(database: string): string {
  return join(dirname(defaultEscrowKeyFile(database)), 'generated-secrets.env');
}

/**
 * D7, AUTH-4: writes secrets generated at first start to a 0600 file (in env-file form, so it can feed LANET_* to a
 * service manager) instead of the log stream; the database keeps only their SHA-256.
 */
export function writeGeneratedSecrets(file: string, secrets: RunningServer['generated']): string | undefined {
  const lines = [
    ...(secrets.enrollmentSecret ? [`LANET_ENROLLMENT_SECRET=${secrets.enrollmentSecret}`] : []),
    ...(secrets.adminToken ? [`LANET_ADMIN_TOKEN=${secrets.adminToken}`] : []),
  ];
  if (lines.length === 0) return undefined;
  mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  const text =
    `# Generated by lanet server at first start, ${new Date().toISOString()}. The database keeps only their SHA-256.\n` +
    '# Keep them in a secret store, then delete this file.\n' +
    lines.join('\n') +
    '\n';
  writeFileSync(file, text, { mode: PRIVATE_FILE_MODE });
  chmodSync(file, PRIVATE_FILE_MODE); // an existing file keeps its old mode through writeFileSync
  return file;
}

/** Heartbeats each thread's warm-up runs through its hot path (config.warmUp), and the HTTP one's time bound. */
const WARM_UP_HEARTBEATS = 2000;
const WARM_UP_MAX_MS = 3000;

/** Starts the reference server; resolves once it accepts connections. */
export async function startServer(config: ServerConfig, logger: Logger = pino({ level: 'silent' })): Promise<RunningServer> {
  const problems = checkConfig(config);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  if (config.warmUp) {
    // A failed warm-up costs only speed: the real server starts anyway, and says why it starts cold.
    await warmUpHttp((c) => startServer(c), WARM_UP_HEARTBEATS, WARM_UP_MAX_MS).then(
      (warm) => logger.info({ heartbeats: warm.heartbeats, ms: warm.ms }, 'warm-up: request path compiled on a throwaway in-memory server'),
      (err: unknown) => logger.warn({ err: (err as Error).message }, 'warm-up failed; starting with cold code (the first seconds answer slower)'),
    );
  }
  const escrowKey = loadEscrowKey(config.escrowKey, config.escrowKeyFile ?? defaultEscrowKeyFile(config.database));
  // eslint-disable-next-line prefer-const
  let ctx: AppContext;
  // GEN-8: a scrape reads cached figures; the agent list is walked at most every AGENT_COUNTS_MAX_AGE_MS.
  const bodyBudget = createBodyBudget(config.bodyBudgetBytes);
  const metrics = createServerMetrics(
    // GEN-8: a scrape waits for the store at most READY_DEADLINE_MS, then shows the last figures.
    cachedValue(() => withDeadline(countAgents(ctx), READY_DEADLINE_MS, () => new Error('agent counts timed out')), AGENT_COUNTS_MAX_AGE_MS),
    () => bodyBudget.held,
  );
  // Parsing, validation, escrow and commits run on their own thread; this one serves HTTP (see ingest-thread.ts).
  const ingest = await startIngestThread({
    database: config.database,
    escrowKey: escrowKey.key,
    maxBatch: config.maxBatch,
    onCommit: (seconds, size) => {
      metrics.commitDuration.observe(seconds);
      metrics.commitBatchSize.observe(size);
    },
    // History retention: the policy, and its figures as metrics (lanet_history_pruned_total, ..._bytes_total).
    retention: retentionOptions(config),
    warmUpHeartbeats: config.warmUp ? WARM_UP_HEARTBEATS : 0,
    ...retentionReporting(metrics.registry, logger),
  });
  const store = ingest.store;
  let revocations: RevocationListener | undefined;
  try {
    await checkEscrowKey(store, escrowKey.key);
    // REG-3 across instances: on PostgreSQL other servers may re-register an agent, so the token cache is used only
    // while this server's LISTEN connection is up (postgres-revocations.ts); a lone SQLite server revokes by itself.
    const tokenCache = new TokenCache(store.kind !== 'postgres');
    if (store.kind === 'postgres') {
      revocations = await listenForRevocations(config.database, {
        revoked: (hash) => tokenCache.revoke(hash),
        live: (isLive) => (isLive ? tokenCache.resume() : tokenCache.suspend()),
        failed: (err) => logger.warn({ err: err.message }, 'token revocation listener lost; agent tokens are checked against the database until it is back'),
      });
    }
    const enrollment = await resolveSecret(store, config.enrollmentSecret, SETTING_ENROLLMENT_HASH);
    const admin = await resolveSecret(store, config.adminToken, SETTING_ADMIN_HASH);
    const generated = { enrollmentSecret: enrollment.generated, adminToken: admin.generated };
    const generatedSecretsFile = writeGeneratedSecrets(config.secretsFile ?? defaultSecretsFile(config.database), generated);
    ctx = {
      config,
      store,
      ingest,
      metrics,
      logger,
      cipher: createEscrowCipher(escrowKey.key),
      enrollmentSecretHash: enrollment.hash,
      adminTokenHash: admin.hash,
      tokenCache,
      metricsTokenHash: config.metricsToken === undefined ? undefined : sha256Hex(config.metricsToken),
      enrollmentThrottle: createAuthThrottle(config.authFailureLimit),
      adminThrottle: createAuthThrottle(config.authFailureLimit),
      agentLimiter: createAgentRateLimiter(config.agentRateLimit),
      bodyBudget,
      draining: false,
    };
    const track = createRequestTracker(logger, metrics);
    const server: Server = createServer(
      {
        headersTimeout: HEADERS_TIMEOUT_MS,
        requestTimeout: REQUEST_TIMEOUT_MS,
        connectionsCheckingInterval: 1_000,
        keepAliveTimeout: 5_000,
      },
      withHeartbeatLane(ctx, createApp(ctx, track), track),
    );
    // No clientError handler: node's own answers (400, 408 on a header timeout, 431) then closing the socket are right (GEN-6, GEN-8).
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        ctx.draining = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Requests in flight get up to the request timeout to finish; then their sockets are cut.
        const force = setTimeout(() => server.closeAllConnections(), REQUEST_TIMEOUT_MS);
        await stopped;
        clearTimeout(force);
        await revocations?.close();
        await store.close(); // the ingest thread finishes its queued commits first
      })());
    return {
      url: `http://${host}:${port}`,
      port,
      store,
      close,
      died: ingest.died,
      generated,
      generatedSecretsFile,
      escrowKeySource: { source: escrowKey.source, generated: escrowKey.generated },
    };
  } catch (err) {
    await revocations?.close();
    await store.close();
    throw err;
  }
}
