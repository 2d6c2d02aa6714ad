import { HeartbeatScheduler, resolvePolicy } from '@lanet/reference-agent/scheduler/heartbeat-scheduler';
import type { SchedulerPolicy } from '@lanet/reference-agent/scheduler/scheduler-types';
import type { HeartbeatRequest } from '@lanet/contracts';
import type { AgentIdentity } from '../agents/agent-identity.js';
import { AttemptStats, type AttemptStatsOptions } from '../checks/attempt-stats.js';
import { check, type CheckResult } from '../checks/check-result.js';
import { FleetWatcher } from '../checks/fleet-watcher.js';
import { integrityCheck } from '../checks/integrity-check.js';
import { arrivalPeakCheck, backoffCheck, networkRetryCheck } from '../checks/recovery-checks.js';
import { clockSkewCheck } from '../checks/skew-check.js';
import { livenessCheck, scheduleCheck } from '../checks/timing-checks.js';
import { validationChecks } from '../checks/validation-checks.js';
import { runFleet, type FleetRunResult } from '../engine/fleet-runner.js';
import type { BeatEvent, ReplayPlan, RunHooks } from '../engine/run-config.js';
import { percentileUs } from '../metrics/run-metrics.js';
import { buildReport, type SimReport } from '../report/report-model.js';
import { scenarios, type ScenarioName, type ScenarioSetup } from '../scenarios/scenario-catalog.js';
import { FaultProxy } from '../transport/fault-proxy.js';
import { TargetClient } from '../transport/target-client.js';
import { createRandom, deriveSeed } from '../engine/seeded-random.js';
import type { SimulateOptions } from './simulate-options.js';

/** The target as one scenario run sees it. */
export interface TargetHandle {
  url: string;
  enrollmentSecret: string;
  adminToken: string | undefined;
  /** The offline threshold in real seconds when the simulator chose it (it started the server). */
  offlineAfterRealS: number | undefined;
}

/** What a scenario run needs beyond the options. */
export interface ScenarioRunInputs {
  inventoryFor(identity: AgentIdentity, assetId: string): HeartbeatRequest;
  invalidBeat?: RunHooks['invalidBeat'];
  onBeat?: (event: BeatEvent) => void;
  /** The real wall time the run's clock started (the recorder notes it). */
  onStart?: (wallMs: number) => void;
  replay?: ReplayPlan;
}

/** The scheduler policy every virtual agent runs: the reference agent's defaults at the chosen interval. */
export function simulatorPolicy(intervalS: number): SchedulerPolicy {
  return resolvePolicy({ intervalS });
}

/** Throws when the run is too short for the scenario's checks to judge anything, saying what would do. */
export function checkDuration(name: ScenarioName, options: Pick<SimulateOptions, 'intervalS' | 'durationS' | 'timeScale'>): void {
  const minS = scenarios[name].minDurationS({ intervalS: options.intervalS, policy: simulatorPolicy(options.intervalS) });
  const haveS = options.durationS * options.timeScale;
  if (haveS < minS) {
    throw new Error(
      `Scenario ${name} needs at least ${minS} protocol seconds; --duration ${options.durationS}s at --time-scale ${options.timeScale} gives ${haveS}. Use --duration ${Math.ceil(minS / options.timeScale)}s or a larger --time-scale (e.g. --time-scale 300 --duration 60s).`,
    );
  }
}

/**
 * Runs one scenario against a target: puts the fault proxy in front when the scenario needs it, watches the fleet
 * view while the agents beat, then runs the scenario's checks and builds its report.
 */
export async function runScenario(name: ScenarioName, options: SimulateOptions, target: TargetHandle, inputs: ScenarioRunInputs): Promise<SimReport> {
  const def = scenarios[name];
  const policy = simulatorPolicy(options.intervalS);
  checkDuration(name, options);
  const targetUrl = new URL(target.url);
  let proxy: FaultProxy | undefined;
  let sendUrl = target.url;
  if (def.needsProxy) {
    proxy = new FaultProxy(targetUrl.hostname, Number(targetUrl.port || 80), createRandom(deriveSeed(options.seed, 0xfa)));
    sendUrl = await proxy.start();
  }
  const setup: ScenarioSetup = def.setup({
    agents: options.agents,
    intervalS: options.intervalS,
    seed: options.seed,
    policy,
    proxy,
    ...(inputs.invalidBeat && name === 'invalid-mix' ? { invalidBeat: inputs.invalidBeat } : {}),
  });
  const admin = new TargetClient(target.url, { connections: 4, timeoutMs: 15_000 });
  const offlineRealS = target.offlineAfterRealS;
  const watchEveryMs = Math.max(200, Math.min(1000, offlineRealS !== undefined ? (offlineRealS * 1000) / 4 : 1000));
  const watcher = target.adminToken ? new FleetWatcher(admin, target.adminToken, watchEveryMs) : undefined;
  try {
    let fleetRun: FleetRunResult | undefined;
    const runPromise = runFleet({
      sendUrl,
      agents: options.agents,
      shard: options.shard,
      durationS: options.durationS,
      timeScale: options.timeScale,
      intervalS: options.intervalS,
      seed: options.seed,
      enrollmentSecret: target.enrollmentSecret,
      connections: options.connections,
      ...(options.maxInFlight !== undefined ? { maxInFlight: options.maxInFlight } : {}),
      wire: options.wire,
      createScheduler: (random) => new HeartbeatScheduler({ intervalS: options.intervalS }, random),
      inventoryFor: inputs.inventoryFor,
      hooks: setup.hooks,
      createStats: (n) => new AttemptStats(n, { policy, ...setupWindows(setup, options.intervalS, policy) }),
      ...(options.progress ? { progress: (line: string) => options.err(`${name}: ${line}\n`) } : {}),
      ...(inputs.onBeat ? { onBeat: inputs.onBeat } : {}),
      onStart: (clock, wallMs) => {
        watcher?.start(clock);
        inputs.onStart?.(wallMs);
      },
      ...(inputs.replay ? { replay: inputs.replay } : {}),
    });
    fleetRun = await runPromise;
    await watcher?.stop();
    const checks = await scenarioChecks(name, fleetRun, setup, policy, options, target, admin, watcher);
    const integrity = checks.integrity;
    const retryBoundMs = (policy.backoffCapS + policy.retryJitterS) * 1000;
    const overdue = fleetRun.undelivered.filter((u) => fleetRun!.endVirtualMs - u.sinceMs > retryBoundMs).length;
    const lost = (integrity?.missing ?? 0) + overdue;
    const results = checks.results;
    if (def.checks.includes('PERF-1')) results.push(perfCheck(fleetRun, lost, (fleetRun.agents.length * options.timeScale) / options.intervalS));
    return buildReport(fleetRun, {
      seed: options.seed,
      scenario: name,
      target: target.url,
      totalAgents: options.agents,
      shard: options.shard,
      timeScale: options.timeScale,
      intervalS: options.intervalS,
      checks: results.map((c) => ({ ...c, scenario: name })),
      lost,
      ...(proxy ? { proxy: proxy.stats } : {}),
      ...(setup.faults ? { faults: setup.faults } : {}),
    });
  } finally {
    await admin.close();
    await proxy?.stop();
  }
}

/** AG-7's window: after the fleet restart, the end of the outage, or start-up, for two intervals or the backoff cap. */
function arrivalWindow(setup: ScenarioSetup, intervalS: number, policy: SchedulerPolicy): { fromMs: number; toMs: number; what: string } {
  const fromMs = setup.restartAtMs ?? setup.restoredAtMs ?? 0;
  const what = setup.restartAtMs !== undefined ? 'the fleet restart' : setup.restoredAtMs !== undefined ? 'the outage' : 'start-up';
  return { fromMs, toMs: fromMs + Math.max(2 * intervalS, policy.backoffCapS) * 1000, what };
}

/** What the run's AttemptStats must fold in for this scenario's AG-2, AG-3 and AG-7 checks. */
function setupWindows(setup: ScenarioSetup, intervalS: number, policy: SchedulerPolicy): Omit<AttemptStatsOptions, 'policy'> {
  const { fromMs, toMs } = arrivalWindow(setup, intervalS, policy);
  const windowMs = (intervalS * 1000) / 2;
  return {
    ...(setup.retryAfterS !== undefined ? { retryAfterS: setup.retryAfterS } : {}),
    ...(setup.restoredAtMs !== undefined ? { restoredAtMs: setup.restoredAtMs } : {}),
    arrivals: { fromMs, windowMs, windows: Math.ceil((toMs - fromMs) / windowMs) },
  };
}

/** Runs the checks the scenario names, in its order. */
async function scenarioChecks(
  name: ScenarioName,
  run: FleetRunResult,
  setup: ScenarioSetup,
  policy: SchedulerPolicy,
  options: SimulateOptions,
  target: TargetHandle,
  admin: TargetClient,
  watcher: FleetWatcher | undefined,
): Promise<{ results: CheckResult[]; integrity?: { missing: number; doubled: number } }> {
  const results: CheckResult[] = [];
  let integrity: { missing: number; doubled: number } | undefined;
  const noAdmin = (id: string, what: string) => check(id, what, 'skip', 'needs --admin-token to read the fleet view');
  for (const id of scenarios[name].checks) {
    if (id === 'HB-2') results.push(...validationChecks(run, false));
    else if (id === 'HB-3') results.push(...validationChecks(run, true).filter((c) => c.requirement === 'HB-3'));
    else if (id === 'AG-1') results.push(scheduleCheck(run));
    else if (id === 'AG-2') results.push(networkRetryCheck(run, policy, setup.restoredAtMs));
    else if (id === 'AG-3') results.push(backoffCheck(run, policy, setup.retryAfterS));
    else if (id === 'AG-7') {
      const { fromMs, toMs, what } = arrivalWindow(setup, options.intervalS, policy);
      results.push(arrivalPeakCheck(run, options.intervalS, fromMs, toMs, what));
    } else if (id === 'FLT-2') {
      // Both the threshold the simulator set and the one the fleet view reports are real seconds of the target.
      const realS = target.offlineAfterRealS ?? watcher?.offlineAfterS;
      const offlineS = realS === undefined ? undefined : realS * options.timeScale;
      if (!watcher) results.push(noAdmin('FLT-2', 'offline after offline_after, never while beating'));
      else if (offlineS === undefined)
        results.push(check('FLT-2', 'offline after offline_after, never while beating', 'skip', 'the target does not say its offline_after_s'));
      else results.push(livenessCheck(run, watcher, setup.stopped, offlineS, options.timeScale));
    } else if (id === 'HB-8') {
      results.push(watcher && setup.clockOf ? clockSkewCheck(run, watcher, setup.clockOf) : noAdmin('HB-8', 'clock skew recorded and flagged, never rejected'));
    } else if (id === 'FLT-4') {
      if (!target.adminToken) results.push(noAdmin('FLT-4', 'stored heartbeats equal accepted ones'));
      else {
        const figures = await integrityCheck(run, admin, target.adminToken);
        integrity = figures;
        results.push(figures.result);
      }
    }
  }
  return integrity ? { results, integrity } : { results };
}

/** PERF-1's load: 2,000 agents time-compressed to one heartbeat per agent per second. */
const PERF1_RATE_PER_S = 2000;

/**
 * PERF-1: p99 below 100 ms with nothing lost, judged when the run offered PERF-1's load (2,000 heartbeats/s or
 * more); at smaller loads the figures are reported and the check is skipped, so a short CI run on a shared
 * machine never claims or fails PERF-1 (gate small runs with --threshold p99<100 instead).
 */
function perfCheck(run: FleetRunResult, lost: number, offeredPerS: number): CheckResult {
  const p99 = run.metrics.latencyUs.totalCount ? percentileUs(run.metrics.latencyUs, 99) / 1000 : Number.NaN;
  const after = run.metrics.afterStartUpUs;
  // Judged start-up included; the p99 without the first interval says how much of the tail the start-up burst is.
  const apart = after.totalCount ? `; ${(percentileUs(after, 99) / 1000).toFixed(1)} ms after the start-up interval` : '';
  const figures = `p99 ${p99.toFixed(1)} ms over ${run.metrics.accepted} accepted heartbeats (start-up included${apart}), ${lost} lost, at ${offeredPerS.toFixed(0)} heartbeats/s offered`;
  if (offeredPerS < PERF1_RATE_PER_S || run.metrics.accepted === 0)
    return check('PERF-1', 'p99 < 100 ms and nothing lost at 2,000 heartbeats/s', 'skip', `${figures}: below PERF-1's 2,000/s, not judged`);
  return check('PERF-1', 'p99 < 100 ms and nothing lost at 2,000 heartbeats/s', p99 < 100 && lost === 0, figures);
}
