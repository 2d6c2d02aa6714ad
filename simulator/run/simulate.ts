import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnReferenceServer, type SpawnedServer } from '../../cli/spawn-reference-server.js';
import { isGating } from '../checks/check-result.js';
import { mergeReports } from '../report/merge-reports.js';
import type { SimReport } from '../report/report-model.js';
import { formatSummary } from '../report/summary-text.js';
import { evaluateThresholds } from '../report/thresholds.js';
import { renderReportHtml } from '../report/report-html.js';
import { runScenario, type ScenarioRunInputs, type TargetHandle } from './run-scenario.js';
import type { SimulateOptions } from './simulate-options.js';

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
export async function simulate(options: SimulateOptions, inputs: ScenarioRunInputs): Promise<SimulateOutcome> {
  const reports: SimReport[] = [];
  for (const name of options.scenarios) {
    let server: SpawnedServer | undefined;
    let target: TargetHandle;
    try {
      if (options.target) {
        if (!options.enrollmentSecret) throw new Error('--enrollment-secret is required with --target: the simulator registers its agents (REG-1).');
        target = { url: options.target.replace(/\/$/, ''), enrollmentSecret: options.enrollmentSecret, adminToken: options.adminToken, offlineAfterRealS: undefined };
      } else {
        // A fresh reference server per scenario, so one scenario's agents never skew another's checks.
        const enrollmentSecret = options.enrollmentSecret ?? randomBytes(24).toString('hex');
        const adminToken = options.adminToken ?? randomBytes(24).toString('hex');
        const offlineAfterRealS = OFFLINE_AFTER_S / options.timeScale;
        const interval = Number.isInteger(options.intervalS) && options.intervalS >= 60 && options.intervalS <= 3600 ? ['--heartbeat-interval', String(options.intervalS)] : [];
        server = await spawnReferenceServer({ enrollmentSecret, adminToken, offlineAfterS: offlineAfterRealS, extraArgs: interval });
        target = { url: server.url, enrollmentSecret, adminToken, offlineAfterRealS };
        if (options.progress) options.err(`${name}: started the reference server at ${server.url} (offline after ${offlineAfterRealS} s real = ${OFFLINE_AFTER_S} s protocol)\n`);
      }
      reports.push(await runScenario(name, options, target, inputs));
    } catch (err) {
      options.err(`lanet simulate: scenario ${name} could not run: ${err instanceof Error ? err.message : String(err)}\n`);
      return { exitCode: 2 };
    } finally {
      await server?.stop();
    }
  }
  const report = reports.length === 1 ? reports[0]! : mergeReports(reports, 'sequence');
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

/** 1 when a gating check or a threshold failed, else 0. */
export function verdict(report: SimReport, failOnShould: boolean): 0 | 1 {
  const checkFailed = report.checks.some((c) => isGating(c, failOnShould));
  const thresholdFailed = report.thresholds.some((t) => t.status === 'fail');
  return checkFailed || thresholdFailed ? 1 : 0;
}
