import { Command, InvalidArgumentError, Option } from 'commander';
import { allProfiles, type Profile } from '../checks/check-types.js';
import { allChecks, compareRequirementIds, planChecks } from '../checks/index.js';
import { run, type ConformanceOptions } from '../runner/run-conformance.js';
import { DEFAULT_WAIT_S, runAgentConformance } from '../agent/run-agent-conformance.js';

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function integer(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`${name} must be an integer.`);
    return n;
  };
}

function positive(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a positive number.`);
    return n;
  };
}

function profiles(value: string): Profile[] {
  const names = list(value);
  const bad = names.filter((n) => !(allProfiles as readonly string[]).includes(n));
  if (bad.length) throw new InvalidArgumentError(`unknown profile ${bad.join(', ')}; use ${allProfiles.join(', ')}.`);
  return names as Profile[];
}

function reports(value: string): Array<'json' | 'junit'> {
  const names = list(value);
  const bad = names.filter((n) => n !== 'json' && n !== 'junit');
  if (bad.length) throw new InvalidArgumentError(`unknown report ${bad.join(', ')}; use json, junit.`);
  return names as Array<'json' | 'junit'>;
}

/**
 * `--list`: each check of the claimed profiles with its requirement ID, level, profile and one line of what it
 * checks; a check that needs an unclaimed profile is listed as skipped with the reason (as a run reports it).
 */
export function listChecks(profiles: readonly Profile[] = allProfiles, include?: readonly string[], exclude?: readonly string[]): string {
  const plan = planChecks(new Set(profiles), include, exclude);
  const skipped = new Map(plan.skip.map((s) => [s.check, s.reason]));
  const rows = [...plan.run, ...plan.skip.map((s) => s.check)]
    .filter((c) => profiles.includes(c.profile))
    .sort((a, b) => compareRequirementIds(a.id, b.id) || allChecks.indexOf(a) - allChecks.indexOf(b))
    .map(
      (c) =>
        `${`${c.id}/${c.name}`.padEnd(34)} ${c.level.padEnd(6)} ${c.profile.padEnd(6)} ${c.description}${c.phase === 'after' ? ' [whole run]' : ''}${skipped.has(c) ? ` [SKIPPED: ${skipped.get(c)}]` : ''}`,
    );
  return [`${'check'.padEnd(34)} ${'level'.padEnd(6)} ${'profile'.padEnd(6)} what it checks (profiles ${profiles.join(',')})`, ...rows, ''].join('\n');
}

/** Options as commander hands them over. */
interface RawOptions {
  target?: string;
  profile: Profile[];
  enrollmentSecret?: string;
  adminToken?: string;
  checks?: string[];
  excludeChecks?: string[];
  maxExamples: number;
  maxMutations?: number;
  seed?: number;
  failOn: 'must' | 'should';
  report: Array<'json' | 'junit'>;
  reportDir: string;
  offlineAfter?: number;
  slowClientLimit: number;
  database?: string;
  list?: boolean;
}

/** `lanet conformance`: checks a backend against protocol v1 requirement by requirement. */
export function createCommand(): Command {
  const cmd = new Command('conformance')
    .enablePositionalOptions()
    .description(
      'Check a backend against LANET protocol v1, requirement by requirement. Without --target it starts the reference server (temporary SQLite) and checks that.',
    )
    .option('--target <url>', 'base URL of the backend to check (loopback or your CI service)')
    .option('--profile <list>', `profiles the backend claims: ${allProfiles.join(',')}`, profiles, [...allProfiles])
    // AUTH-4: .env() reads the variable without printing its value in --help (a default would show it).
    .addOption(
      new Option('--enrollment-secret <secret>', 'enrollment secret (auth profile); prefer the variable: flags show in the process list').env(
        'LANET_ENROLLMENT_SECRET',
      ),
    )
    .addOption(new Option('--admin-token <token>', 'admin token (fleet, escrow profiles); prefer the variable').env('LANET_ADMIN_TOKEN'))
    .option('--checks <ids>', 'run only these checks (IDs such as HB-3, prefixes such as GEN, or ID/name)', list)
    .option('--exclude-checks <ids>', 'skip these checks', list)
    .option('--max-examples <n>', 'generated valid payloads for HB-2 (and the size of the other generated sets)', integer('--max-examples'), 1000)
    .option('--max-mutations <n>', 'labelled invalid payloads for HB-3 (default: --max-examples)', integer('--max-mutations'))
    .option('--seed <n>', 'seed for every generated input (printed on each run; pass it to replay)', integer('--seed'))
    .addOption(new Option('--fail-on <level>', 'which failures make the exit code 1').choices(['must', 'should']).default('must'))
    .option('--report <list>', 'file reports to write: json (DIR/conformance.json), junit (DIR/conformance-junit.xml)', reports, [])
    .option('--report-dir <dir>', 'where reports and failing payloads go', 'conformance-report')
    .option('--offline-after <seconds>', "the target's offline_after (FLT-2); a short one (e.g. 2) lets FLT-2 run", positive('--offline-after'))
    .option('--slow-client-limit <seconds>', 'how soon a slowloris connection must be cut off (GEN-8)', positive('--slow-client-limit'), 20)
    .option('--database <url>', 'without --target: the reference server database (SQLite path or postgres:// URL)')
    .option('--list', 'print the checks of --profile (requirement ID, level, profile, what it checks; skipped ones with the reason) and exit')
    .action(async (raw: RawOptions) => {
      if (raw.list) {
        process.stdout.write(listChecks(raw.profile, raw.checks, raw.excludeChecks));
        return;
      }
      const options: ConformanceOptions = {
        target: raw.target,
        profiles: raw.profile,
        enrollmentSecret: raw.enrollmentSecret,
        adminToken: raw.adminToken,
        checks: raw.checks,
        excludeChecks: raw.excludeChecks,
        maxExamples: raw.maxExamples,
        maxMutations: raw.maxMutations,
        seed: raw.seed,
        failOn: raw.failOn,
        reports: raw.report,
        reportDir: raw.reportDir,
        offlineAfterS: raw.offlineAfter,
        slowClientLimitS: raw.slowClientLimit,
        database: raw.database,
        out: process.stdout,
        err: process.stderr,
      };
      process.exitCode = await run(options);
    });
  cmd
    .command('agent')
    .description(
      'Agent conformance (AG-1..AG-7): a mock backend that validates every payload, records send times and injects an outage, a 503 with Retry-After, a 400, a 401 and a slow answer on a schedule.',
    )
    .option('--listen <port>', 'port to listen on (0 picks a free one)', integer('--listen'), 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--interval <seconds>', 'the interval the agent under test runs at (a short development interval)', positive('--interval'), 4)
    .addOption(
      new Option('--enrollment-secret <secret>', 'the secret the agent registers with (default: generated and printed)').env('LANET_ENROLLMENT_SECRET'),
    )
    .addOption(new Option('--fail-on <level>', 'which failures make the exit code 1').choices(['must', 'should']).default('must'))
    .option('--wait <seconds>', "how long to wait for the agent's first request; none by then exits 2", positive('--wait'), DEFAULT_WAIT_S)
    .option('--timeout <seconds>', "how long the run may last from the agent's first request (default: the schedule plus 60 s)", positive('--timeout'))
    .action(
      async (raw: { listen: number; host: string; interval: number; enrollmentSecret?: string; failOn: 'must' | 'should'; wait: number; timeout?: number }) => {
        const result = await runAgentConformance({
          host: raw.host,
          port: raw.listen,
          intervalS: raw.interval,
          enrollmentSecret: raw.enrollmentSecret,
          failOn: raw.failOn,
          waitS: raw.wait,
          timeoutS: raw.timeout,
          out: process.stdout,
          err: process.stderr,
        });
        process.exitCode = result.exitCode;
      },
    );
  return cmd;
}
