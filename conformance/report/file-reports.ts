import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Profile } from '../checks/check-types.js';
import type { RequirementResult } from './requirement-summary.js';

/** The fields both file reports describe the run with. */
export interface RunInfo {
  target: string;
  profiles: readonly Profile[];
  seed: number;
  durationMs: number;
}

/** Writes DIR/conformance.json: { target, profiles, seed, results: [{ id, level, status, detail }] } plus each check. */
export function writeJsonReport(dir: string, info: RunInfo, requirements: readonly RequirementResult[]): string {
  mkdirSync(resolve(dir), { recursive: true });
  const file = join(resolve(dir), 'conformance.json');
  const doc = {
    target: info.target,
    profiles: info.profiles,
    seed: info.seed,
    duration_ms: Math.round(info.durationMs),
    results: requirements.map((r) => ({
      id: r.id,
      level: r.level,
      status: r.status,
      detail: r.detail,
      checks: r.checks.map((c) => ({ name: c.check.name, status: c.status, summary: c.summary, duration_ms: Math.round(c.durationMs), findings: c.findings })),
    })),
  };
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return file;
}

function xml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
    // XML 1.0 forbids most control characters; a fuzzed body may hold them.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '?');
}

/** Writes DIR/conformance-junit.xml: one testcase per check, classname the requirement ID. */
export function writeJunitReport(dir: string, info: RunInfo, requirements: readonly RequirementResult[]): string {
  mkdirSync(resolve(dir), { recursive: true });
  const file = join(resolve(dir), 'conformance-junit.xml');
  const checks = requirements.flatMap((r) => r.checks);
  const cases = checks.map((c) => {
    const head = `    <testcase classname="${xml(c.check.id)}" name="${xml(`${c.key} (${c.check.level}) ${c.check.description}`)}" time="${(c.durationMs / 1000).toFixed(3)}">`;
    if (c.status === 'pass') return `${head}</testcase>`;
    if (c.status === 'skip') return `${head}\n      <skipped message="${xml(c.summary)}"/>\n    </testcase>`;
    const body = c.findings.map((f) => [f.message, f.sent && `sent: ${f.sent.method} ${f.sent.path}`, f.received && `received: ${f.received}`, f.expected && `expected: ${f.expected}`, f.seed !== undefined && `seed: ${f.seed}`].filter(Boolean).join('\n')).join('\n\n');
    return `${head}\n      <failure message="${xml(c.summary)}" type="${xml(c.check.level)}">${xml(body)}</failure>\n    </testcase>`;
  });
  const failures = checks.filter((c) => c.status === 'fail').length;
  const skipped = checks.filter((c) => c.status === 'skip').length;
  const text = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="lanet conformance" tests="${checks.length}" failures="${failures}" skipped="${skipped}" time="${(info.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="${xml(`protocol v1 against ${info.target} (seed ${info.seed})`)}" tests="${checks.length}" failures="${failures}" skipped="${skipped}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
  writeFileSync(file, text);
  return file;
}
