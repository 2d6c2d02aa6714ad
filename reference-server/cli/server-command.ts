import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import pino from 'pino';
import { defaultConfig, type ServerConfig } from '../server-config.js';
import { startServer, type RunningServer } from '../start-server.js';
import { historyConfigFrom, historyOptions, type HistoryCommandOptions } from './history-options.js';

/** Options as commander parses them (strings, with LANET_* twins already applied). */
export interface ServerCommandOptions extends HistoryCommandOptions {
  host: string;
  port: string;
  database: string;
  enrollmentSecret?: string;
  enrollmentSecretFile?: string;
  adminToken?: string;
  adminTokenFile?: string;
  metricsToken?: string;
  metricsTokenFile?: string;
  secretsFile?: string;
  authFailureLimit?: string;
  offlineAfter: string;
  heartbeatInterval: string;
  insecureNoAuth?: boolean;
  escrowKeyFile?: string;
  maxBatch?: string;
  maxPending?: string;
  bodyBudgetMib?: string;
  maxCommitWait?: string;
  agentRateLimit?: string;
  /** --warm-up. */
  warmUp?: boolean;
}

/** A secret from its file (first line, trimmed) when a file is named, else the value given; a clear error if unreadable. */
export function secretFrom(value: string | undefined, file: string | undefined, flag: string): string | undefined {
  if (file === undefined) return value;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(
      `${flag}-file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; name a readable file holding the secret on its first line.`,
    );
  }
  const secret = text.split(/\r?\n/, 1)[0]!.trim();
  if (secret === '') throw new Error(`${flag}-file ${file} is empty; put the secret on its first line.`);
  return secret;
}

/**
 * Turns parsed options into a server config. Secrets come from LANET_* variables or *-file flags; the plain flags
 * still work but show in `ps` and /proc/PID/cmdline to every local user (D7), so start-up warns about them.
 * LANET_ESCROW_KEY is read here, never from a flag.
 */
export function toConfig(o: ServerCommandOptions, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    ...defaultConfig,
    host: o.host,
    port: Number(o.port),
    database: o.database,
    enrollmentSecret: secretFrom(o.enrollmentSecret, o.enrollmentSecretFile, '--enrollment-secret'),
    adminToken: secretFrom(o.adminToken, o.adminTokenFile, '--admin-token'),
    metricsToken: secretFrom(o.metricsToken, o.metricsTokenFile, '--metrics-token'),
    secretsFile: o.secretsFile,
    authFailureLimit: o.authFailureLimit !== undefined ? Number(o.authFailureLimit) : defaultConfig.authFailureLimit,
    offlineAfterS: Number(o.offlineAfter),
    heartbeatIntervalS: Number(o.heartbeatInterval),
    // Commander would switch a boolean on for any value of its env twin, "0" and "false" included; a security switch
    // must not turn on by accident, so only 1/true/yes count (AUTH-5).
    insecureNoAuth: o.insecureNoAuth === true || /^(1|true|yes)$/i.test(env.LANET_INSECURE_NO_AUTH ?? ''),
    escrowKey: env.LANET_ESCROW_KEY || undefined,
    escrowKeyFile: o.escrowKeyFile,
    maxBatch: o.maxBatch !== undefined ? Number(o.maxBatch) : defaultConfig.maxBatch,
    maxPendingCommits: o.maxPending !== undefined ? Number(o.maxPending) : defaultConfig.maxPendingCommits,
    bodyBudgetBytes: o.bodyBudgetMib !== undefined ? Math.round(Number(o.bodyBudgetMib) * 2 ** 20) : defaultConfig.bodyBudgetBytes,
    maxCommitWaitMs: o.maxCommitWait !== undefined ? Number(o.maxCommitWait) * 1000 : defaultConfig.maxCommitWaitMs,
    agentRateLimit: o.agentRateLimit !== undefined ? Number(o.agentRateLimit) : defaultConfig.agentRateLimit,
    warmUp: o.warmUp === true,
    ...historyConfigFrom(o), // history retention (cli/history-options.ts)
  };
}

/** The start-up notes for the operator: where generated secrets went, secrets seen on the command line, legacy mode (AUTH-5). */
export function startupNotes(server: RunningServer, config: ServerConfig, secretFlags: readonly string[] = []): string[] {
  const notes: string[] = [];
  const { enrollmentSecret, adminToken } = server.generated;
  if (server.generatedSecretsFile && (enrollmentSecret || adminToken)) {
    // D7, AUTH-4: the secrets themselves go only to a 0600 file, never to this stream (logs are shipped and kept).
    const what = [enrollmentSecret ? 'the enrollment secret' : '', adminToken ? 'the admin token' : ''].filter(Boolean).join(' and ');
    notes.push(
      `First start: generated ${what}; they are in ${server.generatedSecretsFile} (mode 0600; the database keeps only their SHA-256).`,
      '  Agents register with Authorization: Bearer <enrollment secret>; the dashboard and /api/agents take the admin token.',
      '  Keep them in a secret store and delete the file; later starts read the hashes from the database, or LANET_ENROLLMENT_SECRET / LANET_ADMIN_TOKEN.',
    );
  }
  for (const flag of secretFlags) {
    notes.push(`WARNING: ${flag} on the command line is visible to every local user (ps, /proc/PID/cmdline); use its LANET_* variable or ${flag}-file.`);
  }
  if (server.escrowKeySource.generated)
    notes.push(`Generated the escrow key ${server.escrowKeySource.source} (mode 0600): back it up, it decrypts every escrowed recovery key.`);
  if (config.insecureNoAuth)
    notes.push('WARNING: --insecure-no-auth: heartbeats WITHOUT an agent token are accepted (legacy agents, AUTH-5). Do not use this on an untrusted network.');
  return notes;
}

/** Runs the server until SIGTERM or SIGINT; resolves with the exit code (0 clean stop, 1 the ingest thread died, 2 could not start). */
export async function run(options: ServerCommandOptions, secretFlags: readonly string[] = []): Promise<number> {
  let config: ServerConfig;
  try {
    config = toConfig(options);
  } catch (err) {
    process.stderr.write(`lanet server: could not start: ${(err as Error).message}\n`);
    return 2;
  }
  const logger = pino({ level: process.env.LANET_LOG_LEVEL ?? 'info', base: { service: 'lanet-server' } }, pino.destination({ fd: 2, sync: false }));
  let server: RunningServer;
  try {
    server = await startServer(config, logger);
  } catch (err) {
    process.stderr.write(`lanet server: could not start: ${(err as Error).message}\n`);
    return 2;
  }
  const notes = startupNotes(server, config, secretFlags);
  if (notes.length > 0) process.stderr.write(notes.join('\n') + '\n');
  logger.info(
    { url: server.url, store: server.store.kind, offline_after_s: config.offlineAfterS, heartbeat_interval_s: config.heartbeatIntervalS },
    'listening',
  );
  process.stdout.write(`listening on ${server.url}\n`);
  const stop = await Promise.race([
    new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    }),
    server.died,
  ]);
  if (stop instanceof Error) {
    // Nothing can be stored any more, and /healthz alone would not tell a supervisor: exit so it restarts the server.
    logger.fatal({ err: stop.message }, 'the ingest thread died; stopping so a supervisor can restart the server');
    await server.close().catch(() => undefined);
    logger.flush();
    return 1;
  }
  logger.info({ signal: stop }, 'stopping: no new connections, finishing requests in flight');
  await server.close();
  logger.info('stopped');
  logger.flush();
  return 0;
}

/** `lanet server`: flags with LANET_* twins. */
export function createCommand(): Command {
  return new Command('server')
    .description('Run the LANET reference server (protocol v1: core, auth, fleet, escrow). Prints `listening on http://HOST:PORT` once ready.')
    .addOption(new Option('--host <host>', 'address to listen on').env('LANET_HOST').default(defaultConfig.host))
    .addOption(new Option('--port <port>', 'port; 0 picks a free one').env('LANET_PORT').default(String(defaultConfig.port)))
    .addOption(
      new Option('--database <path-or-url>', 'SQLite file, or postgres://user@host/db[?schema=NAME]').env('LANET_DATABASE').default(defaultConfig.database),
    )
    .addOption(
      new Option(
        '--enrollment-secret <secret>',
        'secret agents register with (generated on first start if absent); prefer the env twin or the -file flag, flags show in ps',
      ).env('LANET_ENROLLMENT_SECRET'),
    )
    .addOption(new Option('--enrollment-secret-file <path>', 'file whose first line is the enrollment secret').env('LANET_ENROLLMENT_SECRET_FILE'))
    .addOption(
      new Option(
        '--admin-token <token>',
        'token for the fleet endpoints and the dashboard (generated on first start if absent); prefer the env twin or the -file flag',
      ).env('LANET_ADMIN_TOKEN'),
    )
    .addOption(new Option('--admin-token-file <path>', 'file whose first line is the admin token').env('LANET_ADMIN_TOKEN_FILE'))
    .addOption(
      new Option('--metrics-token <token>', 'protect /metrics: it then needs this token or the admin token (default: open)').env('LANET_METRICS_TOKEN'),
    )
    .addOption(new Option('--metrics-token-file <path>', 'file whose first line is the metrics token').env('LANET_METRICS_TOKEN_FILE'))
    .addOption(
      new Option(
        '--secrets-file <path>',
        'where secrets generated on first start are written, mode 0600 (default: generated-secrets.env beside the database, or ./data)',
      ).env('LANET_SECRETS_FILE'),
    )
    .addOption(
      new Option(
        '--auth-failure-limit <per-minute>',
        `failed enrollment or admin attempts a minute per client address, in bursts of two minutes' worth, before 429 (default ${defaultConfig.authFailureLimit}; 0 = no limit)`,
      ).env('LANET_AUTH_FAILURE_LIMIT'),
    )
    .addOption(
      new Option('--offline-after <seconds>', 'an agent silent this long is offline (FLT-2); fractions allowed')
        .env('LANET_OFFLINE_AFTER')
        .default(String(defaultConfig.offlineAfterS)),
    )
    .addOption(
      new Option('--heartbeat-interval <seconds>', 'interval told to agents, 60..3600 (HB-11)')
        .env('LANET_HEARTBEAT_INTERVAL')
        .default(String(defaultConfig.heartbeatIntervalS)),
    )
    .addOption(new Option('--insecure-no-auth', 'accept heartbeats without an agent token (legacy agents, AUTH-5); env: LANET_INSECURE_NO_AUTH=1'))
    .addOption(
      new Option('--escrow-key-file <path>', 'escrow key file (0600), used when LANET_ESCROW_KEY is unset; default beside the database').env(
        'LANET_ESCROW_KEY_FILE',
      ),
    )
    .addOption(new Option('--max-batch <n>', 'most heartbeats per transaction (group commit; 1 = one commit per heartbeat)').env('LANET_MAX_BATCH'))
    .addOption(new Option('--max-pending <n>', 'heartbeats waiting for a commit beyond which new ones get 503 (HB-10)').env('LANET_MAX_PENDING'))
    .addOption(
      new Option(
        '--body-budget-mib <mib>',
        `MiB of (inflated) request bodies held at once, being read or waiting for their commit; a body that would pass it gets 503 (HB-10; default ${defaultConfig.bodyBudgetBytes / 2 ** 20}, at least the 4 MiB body limit)`,
      ).env('LANET_BODY_BUDGET_MIB'),
    )
    .addOption(
      new Option(
        '--max-commit-wait <seconds>',
        `once the oldest heartbeat waiting for its commit has waited this long, new ones get 503 (HB-10; default ${defaultConfig.maxCommitWaitMs / 1000})`,
      ).env('LANET_MAX_COMMIT_WAIT'),
    )
    .addOption(
      new Option(
        '--agent-rate-limit <per-minute>',
        "heartbeats a minute one agent may send, in bursts of a minute's worth, before it gets 429 (HB-10); 0 = no limit (default: conformance, simulators and benchmarks send fast)",
      ).env('LANET_AGENT_RATE_LIMIT'),
    )
    .addOption(
      new Option(
        '--warm-up',
        'before opening the port, run ~2,000 heartbeats through a throwaway in-memory server to compile the hot path (1-3 s); its effect on a start-up burst was not shown (reference-server/README.md)',
      ),
    )
    .addOption(historyOptions.maxAge()) // history retention (cli/history-options.ts)
    .addOption(historyOptions.maxCount())
    .addOption(historyOptions.maxBytes())
    .addHelpText(
      'after',
      '\nLogs (pino JSON) go to stderr; LANET_LOG_LEVEL sets the level (default info). LANET_ESCROW_KEY: 32-byte escrow key, hex or base64.',
    )
    .action(async (options: ServerCommandOptions, command: Command) => {
      // D7: secrets given as plain flags are visible to every local user; say so (their env twins are not).
      const secretFlags = (['enrollmentSecret', 'adminToken', 'metricsToken'] as const)
        .filter((name) => command.getOptionValueSource(name) === 'cli')
        .map((name) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
      process.exitCode = await run(options, secretFlags);
    });
}
