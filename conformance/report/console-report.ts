import type { RequirementResult } from './requirement-summary.js';
import type { FailureRecord } from './failure-files.js';

const MARK = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP', partial: 'PARTIAL' } as const;

/** Failure records by check key, built once (run-conformance.ts) and shown by every report format. */
export type FailureRecords = ReadonlyMap<string, readonly FailureRecord[]>;

/** The lines of one failure record: sent, received, expected, payload file, curl, replay command, script and cause. */
export function recordLines(f: FailureRecord, n: number): string[] {
  const lines = [`  ${n}. ${f.message}`];
  if (f.request) lines.push(`     sent:     ${f.request.method} ${f.request.path}`);
  if (f.response) lines.push(`     received: ${f.response.slice(0, 500).replaceAll('\n', ' ')}`);
  if (f.expected) lines.push(`     expected: ${f.expected.slice(0, 300).replaceAll('\n', ' ')}`);
  if (f.likely_cause) lines.push(`     cause:    ${f.likely_cause}`);
  if (f.payload_file) lines.push(`     payload:  ${f.payload_file}`);
  if (f.curl) lines.push(`     curl:     ${f.curl}`);
  if (f.replay_script) lines.push(`     script:   ${f.replay_script}`);
  lines.push(`     replay:   ${f.replay}`, `     seed:     ${f.seed}`);
  return lines;
}

/** The final table by requirement ID, then every failure with what was sent, what came back, what was expected and how to replay it. */
export function renderConsoleReport(
  requirements: readonly RequirementResult[],
  records: FailureRecords,
  info: { target: string; seed: number; durationMs: number; checkCount: number; failOn: 'must' | 'should' },
): string {
  const lines: string[] = [];
  const width = Math.max(...requirements.map((r) => r.id.length), 11);
  lines.push('', `${'Requirement'.padEnd(width)}  level   result   detail`);
  for (const r of requirements) {
    const detail = r.detail.length > 140 ? `${r.detail.slice(0, 137)}...` : r.detail;
    lines.push(`${r.id.padEnd(width)}  ${r.level.padEnd(6)}  ${MARK[r.status].padEnd(7)}  ${detail}`);
  }
  const failed = requirements.filter((r) => r.status === 'fail');
  for (const r of failed) {
    for (const c of r.checks.filter((x) => x.status === 'fail')) {
      lines.push('', `--- ${c.key} (${r.level}) FAILED: ${c.check.description}`);
      const shown = records.get(c.key) ?? [];
      shown.slice(0, 5).forEach((f, i) => lines.push(...recordLines(f, i + 1)));
      if (c.findings.length > 5) lines.push(`  ... and ${c.findings.length - 5} more (all of them in the JSON report)`);
    }
  }
  const count = (s: string) => requirements.filter((r) => r.status === s).length;
  const partial = requirements.filter((r) => r.status === 'partial');
  lines.push(
    '',
    `${requirements.length} requirements (${info.checkCount} checks) against ${info.target} in ${(info.durationMs / 1000).toFixed(1)} s: ${count('pass')} pass, ${count('partial')} partial, ${count('fail')} fail, ${count('skip')} skip. Seed ${info.seed}.`,
  );
  if (partial.length) lines.push(`Partial (some checks did not run, see why above): ${partial.map((r) => r.id).join(', ')}.`);
  const unchecked = count('partial') + count('skip');
  lines.push(
    failed.length
      ? `Failed: ${failed.map((r) => `${r.id} (${r.level})`).join(', ')}; gating on ${info.failOn.toUpperCase()}.`
      : unchecked
        ? `No failure; ${unchecked} requirement${unchecked > 1 ? 's were' : ' was'} not fully checked (partial or skipped): not a claim of conformance for ${unchecked > 1 ? 'them' : 'it'}.`
        : 'Conformant.',
    '',
  );
  return lines.join('\n');
}
