import { randomBytes } from 'node:crypto';
import { spawnReferenceServer, type SpawnedServer } from '@lanet/cli/spawn-reference-server';
import { allProfiles, type CheckSettings, type Profile } from '../checks/check-types.js';
import { allChecks, planChecks } from '../checks/index.js';
import { AGENT_TIMEOUT_MS, ConformanceHttp, createDispatcher, ExchangeLog, timedOut } from '../http/conformance-http.js';
import { renderConsoleReport } from '../report/console-report.js';
import { failureRecord, type ReplayInfo } from '../report/failure-files.js';
import { writeJsonReport, writeJunitReport } from '../report/file-reports.js';
import { gatingFailure, summarizeByRequirement, type RequirementResult } from '../report/requirement-summary.js';
import { checkKey, runChecks, type CheckResult } from './run-checks.js';

/** Everything `lanet conformance` can be told; the CLI only parses flags into this. */
export interface ConformanceOptions {
  /** Base URL of the backend; absent: start the reference server on a free port with a temporary SQLite database. */
  target?: string;
  profiles: Profile[];
  enrollmentSecret?: string;
  adminToken?: string;
  checks?: string[];
  excludeChecks?: string[];
  /** Generated valid payloads (HB-2); 1,000 by default. */
  maxExamples: number;
  /** Labelled mutations (HB-3); defaults to maxExamples. */
  maxMutations?: number;
  seed?: number;
  failOn: 'must' | 'should';
  reports: Array<'json' | 'junit'>;
  reportDir: string;
  /** The target's offline_after in seconds (FLT-2). */
  offlineAfterS?: number;
  /** How long a slow client may hold a connection before the target must cut it off (GEN-8). */
  slowClientLimitS: number;
  /** For the spawned reference server: a SQLite path or postgres:// URL instead of a temporary SQLite file. */
  database?: string;
  /** For the spawned reference server: extra `lanet server` arguments (tests use e.g. --agent-rate-limit). */
  serverArgs?: string[];
  concurrency?: number;
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream;
}

/** What a run produced, for tests and for callers that want more than the exit code. */
export interface ConformanceRun {
  exitCode: number;
  requirements: RequirementResult[];
  results: CheckResult[];
  target: string;
  seed: number;
  durationMs: number;
}

/** Failures kept per check in the reports (each with its payload file): the first ones; the count is reported. */
const MAX_RECORDS = 20;

/** The offline_after the suite gives the reference server it starts, seconds: short so FLT-2 runs in a few seconds. */
export const SPAWNED_OFFLINE_AFTER_S = 2;

/** Problems with the options, each saying what to pass; empty when the run can start. */
export function checkOptions(o: ConformanceOptions): string[] {
  const problems: string[] = [];
  if (o.target !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(o.target);
    } catch {
      problems.push(`--target '${o.target}' is not a URL; pass e.g. http://127.0.0.1:8080`);
    }
    if (url && url.protocol !== 'http:' && url.protocol !== 'https:') problems.push(`--target must be http:// or https://, got ${url.protocol}`);
    if (o.profiles.includes('auth') && !o.enrollmentSecret)
      problems.push('the auth profile needs --enrollment-secret (or drop auth from --profile to check legacy mode)');
    if ((o.profiles.includes('fleet') || o.profiles.includes('escrow')) && !o.adminToken)
      problems.push('the fleet and escrow profiles need --admin-token (or pass --profile core,auth)');
  }
  if (o.profiles.length === 0) problems.push(`--profile needs at least one of ${allProfiles.join(', ')}`);
  if (o.profiles.includes('escrow') && !o.profiles.includes('fleet'))
    problems.push('the escrow profile reads back through the fleet endpoints: add fleet to --profile');
  if (!Number.isInteger(o.maxExamples) || o.maxExamples < 1) problems.push(`--max-examples must be a positive integer, got ${o.maxExamples}`);
  if (o.seed !== undefined && !Number.isSafeInteger(o.seed)) problems.push(`--seed must be an integer, got ${o.seed}`);
  if (o.offlineAfterS !== undefined && !(o.offlineAfterS > 0)) problems.push(`--offline-after must be a positive number of seconds, got ${o.offlineAfterS}`);
  if (!(o.slowClientLimitS > 0)) problems.push(`--slow-client-limit must be a positive number of seconds, got ${o.slowClientLimitS}`);
  return problems;
}

/** Runs the suite and returns the results; exit code 0 conformant, 1 a gating requirement failed, 2 could not run. */
export async function runConformance(o: ConformanceOptions): Promise<ConformanceRun> {
  const started = performance.now();
  const seed = o.seed ?? Math.floor(Math.random() * 0x7fffffff);
  const empty = (exitCode: number, target = o.target ?? '(none)'): ConformanceRun => ({
    exitCode,
    requirements: [],
    results: [],
    target,
    seed,
    durationMs: performance.now() - started,
  });
  const problems = checkOptions(o);
  if (problems.length) {
    o.err.write(`lanet conformance: cannot run:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return empty(2);
  }
  let server: SpawnedServer | undefined;
  let target = o.target;
  let enrollmentSecret = o.enrollmentSecret;
  let adminToken = o.adminToken;
  let offlineAfterS = o.offlineAfterS;
  if (!target) {
    enrollmentSecret = randomBytes(24).toString('hex');
    adminToken = randomBytes(24).toString('hex');
    offlineAfterS = SPAWNED_OFFLINE_AFTER_S;
    try {
      // A loaded CI machine can take a while to start a Node process; the wait is bounded, never a hang.
      server = await spawnReferenceServer({
        enrollmentSecret,
        adminToken,
        offlineAfterS,
        database: o.database,
        extraArgs: o.serverArgs,
        startTimeoutMs: 60_000,
      });
    } catch (err) {
      o.err.write(`lanet conformance: could not start the reference server: ${err instanceof Error ? err.message : String(err)}\n`);
      return empty(2);
    }
    target = server.url;
    o.err.write(`Started the reference server at ${target} (${o.database ? 'database given' : 'temporary SQLite'}, offline_after ${offlineAfterS} s).\n`);
  }
  const dispatcher = createDispatcher();
  try {
    const log = new ExchangeLog();
    const probe = await new ConformanceHttp(target, dispatcher, log, 'reachability').send({ method: 'GET', path: '/healthz', keepTimeouts: true });
    if (probe.status === 0 && !timedOut(probe)) {
      o.err.write(`lanet conformance: the target ${target} is unreachable (${probe.error}); start it or fix --target.\n`);
      return empty(2, target);
    }
    // A target that accepts the connection but answers too slowly is judged (GEN-8 keeps this exchange), not refused.
    if (probe.durationMs <= AGENT_TIMEOUT_MS && probe.status !== 0) log.exchanges.length = 0;
    else
      o.err.write(
        `The target took ${(probe.durationMs / 1000).toFixed(1)} s ${probe.status ? 'to answer' : 'without answering'} GET /healthz; checking anyway (GEN-8).\n`,
      );
    const profiles = new Set(o.profiles);
    const settings: CheckSettings = {
      targetUrl: target,
      profiles,
      enrollmentSecret,
      adminToken,
      offlineAfterS,
      seed,
      maxExamples: o.maxExamples,
      maxMutations: o.maxMutations ?? o.maxExamples,
      slowClientLimitS: o.slowClientLimitS,
    };
    for (const secret of [enrollmentSecret, adminToken]) if (secret) log.secrets.add(secret);
    const plan = planChecks(profiles, o.checks, o.excludeChecks);
    const checks = plan.run;
    if (checks.length === 0) {
      const why = plan.skip.length
        ? ` (${plan.skip
            .map((s) => `${checkKey(s.check)}: ${s.reason}`)
            .slice(0, 3)
            .join('; ')})`
        : '';
      o.err.write(
        `lanet conformance: no check to run for --profile, --checks and --exclude-checks${why}; run \`lanet conformance --list --profile ${o.profiles.join(',')}\`.\n`,
      );
      return empty(2, target);
    }
    o.err.write(
      `Checking ${target}: ${checks.length} checks (${plan.skip.length} skipped without running), profiles ${o.profiles.join(',')}, seed ${seed}, ${o.maxExamples} examples.\n`,
    );
    const tty = Boolean(o.out.isTTY);
    const ran = await runChecks(
      checks,
      { settings, baseUrl: target, dispatcher, log, line: () => undefined },
      (r, done, total) => {
        if (tty) o.out.write(`\r\x1b[K[${done}/${total}] ${r.status.toUpperCase()} ${r.key} (${Math.round(r.durationMs)} ms)`);
      },
      o.concurrency ?? 5,
    );
    if (tty) o.out.write('\r\x1b[K');
    const order = new Map(allChecks.map((c, i) => [c, i]));
    const planned: CheckResult[] = plan.skip.map((s) => ({
      check: s.check,
      key: checkKey(s.check),
      status: 'skip',
      summary: s.reason,
      findings: [],
      durationMs: 0,
    }));
    const results = [...ran, ...planned].sort((a, b) => order.get(a.check)! - order.get(b.check)!);
    const requirements = summarizeByRequirement(results);
    const durationMs = performance.now() - started;
    const replay: ReplayInfo = {
      target,
      spawned: server !== undefined,
      profiles: o.profiles,
      seed,
      maxExamples: o.maxExamples,
      maxMutations: o.maxMutations,
      offlineAfterS: o.offlineAfterS,
      slowClientLimitS: o.slowClientLimitS,
      reportDir: o.reportDir,
      creds: { enrollmentSecret, adminToken },
    };
    // Built once, files written once: the console, the JSON and the JUnit report show the same records.
    const records = new Map(
      results.filter((r) => r.status === 'fail').map((r) => [r.key, r.findings.slice(0, MAX_RECORDS).map((f, i) => failureRecord(replay, r.key, i, f))]),
    );
    o.out.write(renderConsoleReport(requirements, records, { target, seed, durationMs, checkCount: results.length, failOn: o.failOn }));
    const info = { target, profiles: o.profiles, seed, durationMs, failOn: o.failOn };
    if (o.reports.includes('json')) o.out.write(`JSON report: ${writeJsonReport(o.reportDir, info, requirements, records)}\n`);
    if (o.reports.includes('junit')) o.out.write(`JUnit report: ${writeJunitReport(o.reportDir, info, requirements, records)}\n`);
    const suiteErrors = results.filter((r) => r.suiteError);
    for (const r of suiteErrors)
      o.err.write(`lanet conformance: suite error in ${r.key} (a bug in the suite, not in the target; please report it):\n${r.suiteError}\n`);
    const exitCode = suiteErrors.length ? 2 : gatingFailure(requirements, o.failOn) ? 1 : 0;
    return { exitCode, requirements, results, target, seed, durationMs };
  } finally {
    await dispatcher.close().catch(() => undefined);
    await server?.stop();
  }
}

/** Runs the suite and returns only the exit code (the CLI's entry point). */
export async function run(o: ConformanceOptions): Promise<number> {
  return (await runConformance(o)).exitCode;
}
