import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnReferenceServer, type SpawnedServer } from '@lanet/cli/spawn-reference-server';
import { gateExitCode, rollUp } from '@lanet/contracts';
import { ResourceMonitor } from '../metrics/resource-monitor.js';
import { mergeReports } from '../report/merge-reports.js';
import type { SimReport } from '../report/report-model.js';
import { formatSummary } from '../report/summary-text.js';
import { evaluateThresholds } from '../report/thresholds.js';
import { renderReportHtml } from '../report/report-html.js';
import { checkDuration, runScenario, type ScenarioRunInputs, type TargetHandle } from './run-scenario.js';
import type { SimulateOptions } from './simulate-options.js';
import { NdjsonRecorder } from '../replay/ndjson-recorder.js';
import { loadRecording } from '../replay/replay-plan.js';
import type { ScenarioName } from '../scenarios/scenario-catalog.js';

/** The protocol's offline threshold (FLT-2); the spawned server gets it divided by the time scale. */
const OFFLINE_AFTER_S = 600;

/** How a simulate run ended. */
export interface SimulateOutcome {
  exitCode: 0 | 1 | 2;
  report?: SimReport;
}

/**
 * `lanet simulate` without the CLI: starts the reference server when no target is given, runs each scenario,
 * evaluates checks and thresholds, writes report.json and report.html, prints the summary. 0 all checks and
 * thresholds hold, 1 one fails, 2 the run could not happen.
 */
export async function simulate(requested: SimulateOptions, generated: ScenarioRunInputs): Promise<SimulateOutcome> {
  let options = requested;
  let inputs = generated;
  let recorder: NdjsonRecorder | undefined;
  try {
    for (const name of options.scenarios) if (!options.replay) checkDuration(name, options);
    if ((options.record || options.replay) && options.scenarios.length !== 1)
      throw new Error('--record and --replay take one scenario: name it with --scenario.');
    if (options.replay) {
      // The recording fixes the fleet, its schedule and the scenario; only the target and the report may change.
      const loaded = await loadRecording(options.replay);
      const h = loaded.header;
      options = {
        ...options,
        seed: h.seed,
        agents: h.agents,
        shard: h.shard,
        intervalS: h.interval_s,
        timeScale: h.time_scale,
        durationS: h.duration_s,
        scenarios: [h.scenario as ScenarioName],
      };
      inputs = { ...inputs, replay: loaded.plan };
      if (options.progress) options.err(`replaying ${loaded.beats} recorded heartbeats of ${h.agents} agents (seed ${h.seed}, scenario ${h.scenario})\n`);
    }
    if (options.record) {
      const rec = new NdjsonRecorder(options.record, {
        seed: options.seed,
        scenario: options.scenarios[0]!,
        agents: options.agents,
        shard: options.shard,
        interval_s: options.intervalS,
        time_scale: options.timeScale,
        duration_s: options.durationS,
      });
      recorder = rec;
      inputs = { ...inputs, onBeat: (e) => rec.beat(e), onStart: (wall) => rec.start(wall) };
    }
  } catch (err) {
    options.err(`lanet simulate: ${err instanceof Error ? err.message : String(err)}\n`);
    return { exitCode: 2 };
  }
  try {
    return await simulateScenarios(options, inputs);
  } finally {
    await recorder?.close();
  }
}

async function simulateScenarios(options: SimulateOptions, inputs: ScenarioRunInputs): Promise<SimulateOutcome> {
  const reports: SimReport[] = [];
  const monitor = new ResourceMonitor().start();
  for (const name of options.scenarios) {
    let server: SpawnedServer | undefined;
    let target: TargetHandle;
    try {
      if (options.target) {
        if (!options.enrollmentSecret) throw new Error('--enrollment-secret is required with --target: the simulator registers its agents (REG-1).');
        target = {
          url: options.target.replace(/\/$/, ''),
          enrollmentSecret: options.enrollmentSecret,
          adminToken: options.adminToken,
          offlineAfterRealS: options.offlineAfterS,
        };
      } else {
        // A fresh reference server per scenario, so one scenario's agents never skew another's checks.
        const enrollmentSecret = options.enrollmentSecret ?? randomBytes(24).toString('hex');
        const adminToken = options.adminToken ?? randomBytes(24).toString('hex');
        const offlineAfterRealS = OFFLINE_AFTER_S / options.timeScale;
        const interval =
          Number.isInteger(options.intervalS) && options.intervalS >= 60 && options.intervalS <= 3600
            ? ['--heartbeat-interval', String(options.intervalS)]
            : [];
        // A loaded machine (CI, shared cores) may take tens of seconds to start tsx and the server: wait up to a minute.
        server = await spawnReferenceServer({ enrollmentSecret, adminToken, offlineAfterS: offlineAfterRealS, extraArgs: interval, startTimeoutMs: 60_000 });
        target = { url: server.url, enrollmentSecret, adminToken, offlineAfterRealS };
        if (options.progress)
          options.err(`${name}: started the reference server at ${server.url} (offline after ${offlineAfterRealS} s real = ${OFFLINE_AFTER_S} s protocol)\n`);
      }
      reports.push(await runScenario(name, options, target, inputs));
    } catch (err) {
      options.err(`lanet simulate: scenario ${name} could not run: ${err instanceof Error ? err.message : String(err)}\n`);
      monitor.stop();
      return { exitCode: 2 };
    } finally {
      await server?.stop();
    }
  }
  const report = reports.length === 1 ? reports[0]! : mergeReports(reports, 'sequence');
  report.resources = monitor.stop();
  report.requirements = rollUp(report.checks);
  report.thresholds = evaluateThresholds(options.thresholds, report);
  if (options.reportDir) {
    mkdirSync(options.reportDir, { recursive: true });
    writeFileSync(join(options.reportDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(options.reportDir, 'report.html'), renderReportHtml(report));
  }
  options.out(formatSummary(report));
  if (options.reportDir) options.out(`  report: ${join(options.reportDir, 'report.json')} and report.html\n`);
  return { exitCode: verdict(report, options.failOnShould), report };
}

/** 1 when a gating requirement (the kit's one gating rule, contracts/verdict.ts) or a threshold failed, else 0. */
export function verdict(report: SimReport, failOnShould: boolean): 0 | 1 {
  const checkFailed = gateExitCode(rollUp(report.checks), failOnShould) === 1;
  const thresholdFailed = report.thresholds.some((t) => t.status === 'fail');
  return checkFailed || thresholdFailed ? 1 : 0;
}
