import type { RequirementResult } from './requirement-summary.js';
import { saveReproduction, type KnownCredentials } from './failure-files.js';

const MARK = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

/** The final table by requirement ID, then every failure with what was sent, what came back, what was expected, a curl and the seed. */
export function renderConsoleReport(
  requirements: readonly RequirementResult[],
  info: { target: string; seed: number; reportDir: string; creds: KnownCredentials; durationMs: number; checkCount: number; failOn: 'must' | 'should' },
): string {
  const lines: string[] = [];
  const width = Math.max(...requirements.map((r) => r.id.length), 4);
  lines.push('', `Requirement${' '.repeat(Math.max(0, width - 11))}  level   result  detail`);
  for (const r of requirements) {
    const detail = r.detail.length > 140 ? `${r.detail.slice(0, 137)}...` : r.detail;
    lines.push(`${r.id.padEnd(Math.max(width, 11))}  ${r.level.padEnd(6)}  ${MARK[r.status]}    ${detail}`);
  }
  const failed = requirements.filter((r) => r.status === 'fail');
  for (const r of failed) {
    for (const c of r.checks.filter((x) => x.status === 'fail')) {
      lines.push('', `--- ${c.key} (${r.level}) FAILED: ${c.check.description}`);
      c.findings.slice(0, 5).forEach((f, i) => {
        lines.push(`  ${i + 1}. ${f.message}`);
        if (f.sent) lines.push(`     sent:     ${f.sent.method} ${f.sent.path}`);
        if (f.received) lines.push(`     received: ${f.received.slice(0, 500).replaceAll('\n', ' ')}`);
        if (f.expected) lines.push(`     expected: ${f.expected.slice(0, 300).replaceAll('\n', ' ')}`);
        const repro = saveReproduction(info.reportDir, c.key, i, f, info.target, info.creds);
        if (repro.file) lines.push(`     payload:  ${repro.file}`);
        if (repro.curl) lines.push(`     replay:   ${repro.curl}`);
        if (f.seed !== undefined) lines.push(`     seed:     ${f.seed} (lanet conformance --seed ${f.seed} --checks ${c.check.id})`);
      });
      if (c.findings.length > 5) lines.push(`  ... and ${c.findings.length - 5} more`);
    }
  }
  const count = (s: string) => requirements.filter((r) => r.status === s).length;
  lines.push(
    '',
    `${requirements.length} requirements (${info.checkCount} checks) against ${info.target} in ${(info.durationMs / 1000).toFixed(1)} s: ${count('pass')} pass, ${count('fail')} fail, ${count('skip')} skip. Seed ${info.seed}.`,
    failed.length === 0 ? 'Conformant.' : `Failed: ${failed.map((r) => `${r.id} (${r.level})`).join(', ')}; gating on ${info.failOn.toUpperCase()}.`,
    '',
  );
  return lines.join('\n');
}
