import { Command, Option } from 'commander';
import { pino, type Logger } from 'pino';
import { gzipSync } from 'node:zlib';
import { buildHeartbeat, UNREGISTERED_ASSET_ID } from '../agent/build-heartbeat.js';
import { AgentRunner } from '../agent/agent-runner.js';
import { loadAgentConfig, type AgentConfigInput } from '../agent/agent-config.js';
import { CycleMeter } from '../agent/cycle-meter.js';
import { hardwareFingerprint } from '../agent/hardware-fingerprint.js';
import { IdentityStore } from '../agent/identity-store.js';
import { platformCollectors } from '../collectors/platform-collectors.js';
import { runCollectors } from '../collectors/run-collectors.js';
import { PowerShellSession } from '../collectors/windows/powershell-session.js';
import { HeartbeatScheduler, defaultPolicy } from '../scheduler/heartbeat-scheduler.js';
import type { SchedulerPolicy } from '../scheduler/scheduler-types.js';
import { createServiceCommands } from '../service/service-command.js';

/** Options of `lanet agent` as commander parses them. */
export interface AgentCommandOptions extends AgentConfigInput {
  once?: boolean;
  dryRun?: boolean;
}

/** Logs go to stderr (fd 2) so `--once --dry-run` leaves stdout to the payload alone. */
export function stderrLogger(level: string): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 2, sync: true }));
}

/** Runs the agent: the loop, one send (--once) or one collection printed as JSON (--once --dry-run). Returns the exit code. */
export async function run(options: AgentCommandOptions, io: { stdout: (text: string) => void } = { stdout: (t) => process.stdout.write(t) }): Promise<number> {
  let config;
  try {
    config = loadAgentConfig(options);
  } catch (error) {
    process.stderr.write(`lanet agent: ${(error as Error).message}\n`);
    return 2;
  }
  const logger = stderrLogger(config.logLevel);
  if (options.dryRun && !options.once) {
    logger.error('--dry-run needs --once: it collects one payload and prints it without sending');
    return 2;
  }
  let session: PowerShellSession | undefined;
  const collectors = platformCollectors(process.platform, () => (session ??= new PowerShellSession()));
  const collect = () => runCollectors(collectors);
  const store = new IdentityStore(config.configDir);
  try {
    if (options.dryRun) return await dryRun(collect, store, logger, io);
    if (!config.server) {
      logger.error('no server: pass --server URL, set LANET_SERVER, or put "server" in agent.json');
      return 2;
    }
    const scheduler = new HeartbeatScheduler(
      {
        ...(config.intervalS !== undefined ? developmentPolicy(config.intervalS) : {}),
        ...(config.startupDelayS !== undefined ? { startupDelayMaxS: config.startupDelayS } : {}),
      },
      Math.random,
    );
    if (config.intervalS !== undefined) {
      logger.warn(
        { interval_s: config.intervalS, ...developmentPolicy(config.intervalS) },
        "development interval override: the server's next_heartbeat_in_s is ignored (HB-11) and retry delays are scaled with the interval",
      );
    }
    const runner = new AgentRunner({
      server: config.server,
      enrollmentSecret: config.enrollmentSecret,
      store,
      scheduler,
      collect,
      fingerprint: hardwareFingerprint,
      logger,
    });
    if (options.once) {
      const report = await runner.once();
      return report.outcome.kind === 'accepted' ? 0 : 1;
    }
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await runner.run(controller.signal);
    logger.info('agent stopped');
    return 0;
  } catch (error) {
    logger.error({ err: (error as Error).message }, 'agent failed');
    return 2;
  } finally {
    session?.close();
  }
}

/**
 * The --interval development override: the whole policy is time-compressed by interval/300, so a 5 s interval
 * retries a network failure after 1 s ± 0.25 s (AG-2's 60 s ± 15 s) and backs off from 1 s up to 30 s (AG-3's
 * 60 s .. 30 min); the server's HB-11 steering is ignored so the interval stays where the developer put it.
 */
export function developmentPolicy(intervalS: number): Partial<SchedulerPolicy> {
  const scale = intervalS / defaultPolicy.intervalS;
  return {
    intervalS,
    ignoreServerInterval: true,
    retryDelayS: defaultPolicy.retryDelayS * scale,
    retryJitterS: defaultPolicy.retryJitterS * scale,
    backoffBaseS: defaultPolicy.backoffBaseS * scale,
    backoffCapS: defaultPolicy.backoffCapS * scale,
  };
}

async function dryRun(
  collect: () => ReturnType<typeof runCollectors>,
  store: IdentityStore,
  logger: Logger,
  io: { stdout: (text: string) => void },
): Promise<number> {
  const meter = new CycleMeter();
  meter.begin();
  const collection = await collect();
  const assetId = store.load()?.asset_id ?? UNREGISTERED_ASSET_ID;
  // Recovery keys never reach a terminal: the dry run prints the payload as a send with no escrow ask would.
  const { heartbeat, keysIncluded } = buildHeartbeat(collection, assetId, { now: new Date(), includeRecoveryKeys: false, escrowedKeysSha256: 'dry-run' });
  if (keysIncluded) for (const v of heartbeat.hardware_inventory?.bitlocker?.volumes ?? []) delete v.recovery_key;
  const json = JSON.stringify(heartbeat);
  const stats = meter.end(Buffer.byteLength(json), gzipSync(json).length);
  logger.info(
    {
      asset_id: assetId === UNREGISTERED_ASSET_ID ? `${assetId} (not registered yet)` : assetId,
      collectors_ms: Object.fromEntries(collection.timings.map((t) => [t.collector, t.ms])),
      collection_errors: collection.errors.length,
      bytes_raw: Buffer.byteLength(json),
      bytes_gzip: gzipSync(json).length,
      ...stats,
    },
    'dry run: payload validated against the contract, not sent',
  );
  io.stdout(`${JSON.stringify(heartbeat, null, 2)}\n`);
  return 0;
}

/** `lanet agent`: the reference agent's CLI (see reference-agent/README.md). */
export function createCommand(): Command {
  const cmd = new Command('agent')
    .description('Run the LANET reference agent: collect the inventory and send a heartbeat every 300 s (or as the server steers).')
    .option('--server <url>', 'backend base URL, e.g. https://lanet.example.com (env LANET_SERVER)')
    .option('--enrollment-secret <secret>', 'enrollment secret used to register and re-register on 401 (env LANET_ENROLLMENT_SECRET)')
    .option('--config-dir <dir>', 'where identity.json and agent.json live (env LANET_AGENT_CONFIG_DIR)')
    .option('--config <file>', 'an agent.json settings file (keys: server, enrollment_secret, interval_s, startup_delay_s, log_level)')
    .option('--once', 'collect and send one heartbeat, then exit (0 accepted, 1 not)')
    .option('--dry-run', 'with --once: print the validated payload as JSON on stdout and send nothing')
    .addOption(
      new Option(
        '--interval <seconds>',
        "DEVELOPMENT ONLY: a fixed interval (may be below the 60 s floor) that ignores the server's next_heartbeat_in_s steering (HB-11); retry and backoff delays shrink in proportion (env LANET_AGENT_INTERVAL_S)",
      ).argParser(Number),
    )
    .addOption(
      new Option('--startup-delay <seconds>', 'AG-7 random start-up spread, 0..N s (default: the interval) (env LANET_AGENT_STARTUP_DELAY_S)').argParser(
        Number,
      ),
    )
    .addOption(new Option('--log-level <level>', 'log level on stderr').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
    .action(async (opts: Record<string, unknown>) => {
      process.exitCode = await run({
        server: opts.server as string | undefined,
        enrollmentSecret: opts.enrollmentSecret as string | undefined,
        configDir: opts.configDir as string | undefined,
        configFile: opts.config as string | undefined,
        intervalS: opts.interval as number | undefined,
        startupDelayS: opts.startupDelay as number | undefined,
        logLevel: opts.logLevel as string | undefined,
        once: opts.once === true,
        dryRun: opts.dryRun === true,
      });
    });
  // `install-service --server URL` must reach the subcommand, not the agent's own --server option.
  cmd.enablePositionalOptions();
  for (const sub of createServiceCommands()) cmd.addCommand(sub);
  return cmd;
}
