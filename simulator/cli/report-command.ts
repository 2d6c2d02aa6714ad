import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { mergeReports } from '../report/merge-reports.js';
import type { SimReport } from '../report/report-model.js';
import { renderReportHtml } from '../report/report-html.js';
import { formatSummary } from '../report/summary-text.js';
import { evaluateThresholds, parseThreshold } from '../report/thresholds.js';
import { verdict } from '../run/simulate.js';

/** Options of `lanet report merge`. */
export interface MergeCliOptions {
  out?: string;
  threshold: string[];
  failOn: string;
}

/** Reads one report.json and checks it is a simulator report. */
function readReport(file: string): SimReport {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} could not be read as JSON (${err instanceof Error ? err.message : String(err)}).`);
  }
  const r = value as Partial<SimReport>;
  if (r.tool !== 'lanet simulate' || r.version !== 1 || !r.histograms?.latency_us)
    throw new Error(`${file} is not a report.json written by lanet simulate (version 1).`);
  return r as SimReport;
}

/**
 * `lanet report merge FILE...`: merges shard reports (histograms exactly), evaluates thresholds on the whole,
 * prints the summary and writes report.json and report.html to --out. Returns 0, 1 (a check or threshold failed) or 2.
 */
export function runMerge(
  files: string[],
  raw: MergeCliOptions,
  io: { out: (t: string) => void; err: (t: string) => void } = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) },
): number {
  try {
    if (files.length === 0) throw new Error('give the shard reports to merge: lanet report merge shard-1/report.json shard-2/report.json ...');
    const thresholds = raw.threshold.map(parseThreshold);
    const reports = files.map(readReport);
    const seeds = new Set(reports.map((r) => r.seed));
    if (seeds.size > 1) io.err(`lanet report merge: warning: the reports have different seeds (${[...seeds].join(', ')}); shards of one fleet share a seed.\n`);
    const merged = mergeReports(reports, 'shards');
    merged.thresholds = evaluateThresholds(thresholds, merged);
    if (raw.out) {
      mkdirSync(raw.out, { recursive: true });
      writeFileSync(join(raw.out, 'report.json'), `${JSON.stringify(merged, null, 2)}\n`);
      writeFileSync(join(raw.out, 'report.html'), renderReportHtml(merged));
    }
    io.out(formatSummary(merged));
    return verdict(merged, raw.failOn === 'should');
  } catch (err) {
    io.err(`lanet report merge: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `lanet report`: work with simulator reports. */
export function createCommand(): Command {
  const report = new Command('report').description('Work with lanet simulate reports.');
  report
    .command('merge')
    .description('Merge the report.json files of `lanet simulate --shard i/n` runs into one report (latency histograms merged exactly).')
    .argument('<files...>', 'report.json of each shard')
    .option('--out <dir>', 'write the merged report.json and report.html here')
    .option('--threshold <expr>', 'threshold on the merged figures, repeatable: p99<100, lost==0', collect, [])
    .option('--fail-on <level>', 'must or should', 'must')
    .action((files: string[], raw: MergeCliOptions) => {
      process.exitCode = runMerge(files, raw);
    });
  return report;
}
