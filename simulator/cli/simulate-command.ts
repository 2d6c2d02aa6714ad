import { Command, Option } from 'commander';
import { arbitraryInventorySource, invalidBeatSource } from '../agents/agent-inventory.js';
import { freshSeed } from '../engine/seeded-random.js';
import { parseThreshold } from '../report/thresholds.js';
import { scenarioNames, type ScenarioName } from '../scenarios/scenario-catalog.js';
import { simulate } from '../run/simulate.js';
import type { SimulateOptions } from '../run/simulate-options.js';
import { parseDurationS, parsePositive, parseShard } from './parse-values.js';
import { respawnWithYoungGeneration } from './young-generation.js';

/** Raw commander options of `lanet simulate`. */
export interface SimulateCliOptions {
  target?: string;
  agents: string;
  duration: string;
  interval: string;
  timeScale: string;
  scenario: string;
  seed?: string;
  enrollmentSecret?: string;
  adminToken?: string;
  threshold: string[];
  record?: string;
  replay?: string;
  reportDir?: string;
  shard: string;
  connections: string;
  /** Sends in flight at once; past it due sends wait (schedule lag). Default: twice --connections. */
  maxInFlight?: string;
  offlineAfter?: string;
  failOn: string;
  progress: boolean;
  /** Commander's `--no-gzip` sets this false; absent means the agent's own wire (gzip). */
  gzip?: boolean;
}

/** Turns CLI strings into checked options; throws a message saying what is wrong and what to write instead. */
export function parseSimulateOptions(raw: SimulateCliOptions, io: Pick<SimulateOptions, 'out' | 'err'>): SimulateOptions {
  const scenarios: ScenarioName[] =
    raw.scenario === 'all'
      ? [...scenarioNames]
      : raw.scenario.split(',').map((s) => {
          if (!(scenarioNames as readonly string[]).includes(s))
            throw new Error(`--scenario '${s}' is unknown: use one of ${scenarioNames.join(', ')} or all.`);
          return s as ScenarioName;
        });
  if (raw.failOn !== 'must' && raw.failOn !== 'should') throw new Error(`--fail-on '${raw.failOn}' must be must or should.`);
  if (raw.target !== undefined && !/^https?:\/\//.test(raw.target)) throw new Error(`--target '${raw.target}' must be an http:// or https:// URL.`);
  return {
    target: raw.target,
    agents: parsePositive(raw.agents, '--agents', true),
    durationS: parseDurationS(raw.duration, '--duration'),
    intervalS: parseDurationS(raw.interval, '--interval'),
    timeScale: parsePositive(raw.timeScale, '--time-scale'),
    scenarios,
    seed: raw.seed === undefined ? freshSeed() : parsePositive(raw.seed, '--seed', true),
    enrollmentSecret: raw.enrollmentSecret,
    adminToken: raw.adminToken,
    thresholds: raw.threshold.map(parseThreshold),
    record: raw.record,
    replay: raw.replay,
    reportDir: raw.reportDir,
    shard: parseShard(raw.shard),
    connections: parsePositive(raw.connections, '--connections', true),
    maxInFlight: raw.maxInFlight === undefined ? undefined : parsePositive(raw.maxInFlight, '--max-in-flight', true),
    offlineAfterS: raw.offlineAfter === undefined ? undefined : parsePositive(raw.offlineAfter, '--offline-after'),
    failOnShould: raw.failOn === 'should',
    wire: { gzip: raw.gzip !== false },
    progress: raw.progress,
    ...io,
  };
}

/** Runs `lanet simulate` with parsed options and returns the exit code (0 ok, 1 a check or threshold failed, 2 could not run). */
export async function run(
  raw: SimulateCliOptions,
  io: Pick<SimulateOptions, 'out' | 'err'> = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
): Promise<number> {
  let options: SimulateOptions;
  try {
    options = parseSimulateOptions(raw, io);
  } catch (err) {
    io.err(`lanet simulate: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  if (options.progress) io.err(`lanet simulate: seed ${options.seed} (--seed ${options.seed} reproduces this run)\n`);
  const outcome = await simulate(options, { inventoryFor: arbitraryInventorySource(options.seed), invalidBeat: invalidBeatSource(options.seed, 0.1) });
  return outcome.exitCode;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `lanet simulate`: thousands of property-generated agents against a backend, with fault scenarios and checks. */
export function createCommand(): Command {
  return (
    new Command('simulate')
      .description(
        "Load-test a backend with many virtual agents, each running the reference agent's scheduler on a virtual clock, and check the protocol while loading (HB-2, HB-3, AG-1, AG-2, AG-3, AG-7, FLT-2, FLT-4, HB-8, PERF-1).",
      )
      .option('--target <url>', 'backend base URL; without it the reference server is started on a free port with a temporary SQLite database')
      .option('--agents <n>', 'virtual agents in the whole fleet (all shards)', '100')
      .option('--duration <d>', 'real run time per scenario (60s, 2m)', '60s')
      .option('--interval <d>', 'protocol heartbeat interval (AG-1)', '300s')
      .option('--time-scale <k>', 'protocol seconds per real second (300: each agent beats once a real second)', '1')
      .addOption(new Option('--scenario <name>', 'scenario, a comma list, or all').default('steady'))
      .option('--seed <s>', 'seed for inventories, schedules and faults (printed when absent)')
      // AUTH-4: secrets from the environment (a flag shows in the process list); .env() never prints the value in --help.
      .addOption(new Option('--enrollment-secret <s>', 'enrollment secret of the target (required with --target)').env('LANET_ENROLLMENT_SECRET'))
      .addOption(new Option('--admin-token <t>', 'admin token of the target (fleet-view checks FLT-2, FLT-4, HB-8 skip without it)').env('LANET_ADMIN_TOKEN'))
      .option('--threshold <expr>', 'k6-like threshold, repeatable: p99<100, errors==0, lost==0, throughput>=1900', collect, [])
      .option('--record <file>', 'write every generated heartbeat and its schedule as NDJSON')
      .option('--replay <file>', 'replay a recorded run exactly (same heartbeats, same schedule)')
      .option('--report-dir <dir>', 'write report.json and report.html here')
      .option('--shard <i/n>', 'run shard i of n (agents split deterministically); merge with `lanet report merge`', '1/1')
      // 256, not 64: every real agent holds a connection of its own, so a small shared pool queues sends inside the
      // simulator. At 2,000 agents x 300 the 64-connection pool (128 in flight) never drained the start-up backlog
      // (hundreds of sends waiting for the whole run); with 256 the run reached its steady state (issue 13).
      .option('--connections <n>', 'keep-alive connection bound to the target (real agents hold one each; past it sends queue here)', '256')
      .option(
        '--max-in-flight <n>',
        'sends in flight at once (default: twice --connections); later due sends wait, counted as schedule lag and in latency, so memory stays flat when the target falls behind',
      )
      .option('--offline-after <seconds>', 'with --target: its offline threshold in real seconds, if its fleet view omits offline_after_s (FLT-2)')
      .option('--fail-on <level>', 'must: only MUST checks fail the run; should: SHOULD checks too', 'must')
      .option('--no-progress', 'no live progress on stderr')
      .option('--no-gzip', 'send uncompressed bodies (a deliberate departure from the reference agent, which gzips every heartbeat: GEN-5)')
      .action(async (raw: SimulateCliOptions) => {
        const respawned = await respawnWithYoungGeneration();
        process.exitCode = respawned ?? (await run(raw));
      })
  );
}
