import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { XMLBuilder } from 'fast-xml-parser';
import type { Profile } from '../checks/check-types.js';
import type { CheckResult } from '../runner/run-checks.js';
import { recordLines, type FailureRecords } from './console-report.js';
import type { RequirementResult } from './requirement-summary.js';
import { gates } from './verdict.js';

/** The fields both file reports describe the run with. */
export interface RunInfo {
  target: string;
  profiles: readonly Profile[];
  seed: number;
  durationMs: number;
  failOn: 'must' | 'should';
}

/**
 * Writes DIR/conformance.json: { target, profiles, seed, fail_on, results: [{ id, level, status, detail, checks }] };
 * every failing check carries its failures with request, response, expected, seed, payload_file, curl and replay.
 */
export function writeJsonReport(dir: string, info: RunInfo, requirements: readonly RequirementResult[], records: FailureRecords): string {
  mkdirSync(resolve(dir), { recursive: true });
  const file = join(resolve(dir), 'conformance.json');
  const doc = {
    target: info.target,
    profiles: info.profiles,
    seed: info.seed,
    fail_on: info.failOn,
    duration_ms: Math.round(info.durationMs),
    results: requirements.map((r) => ({
      id: r.id,
      level: r.level,
      status: r.status,
      gating: gates(r, info.failOn),
      detail: r.detail,
      checks: r.checks.map((c) => ({
        key: c.key,
        name: c.check.name,
        status: c.status,
        summary: c.summary,
        duration_ms: Math.round(c.durationMs),
        ...(c.status === 'fail' ? { failures: records.get(c.key) ?? [] } : {}),
      })),
    })),
  };
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return file;
}

/** Characters XML 1.0 cannot carry at all (controls, U+FFFE, U+FFFF, lone surrogates): shown as \uXXXX text instead. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Makes any string safe to hand to the XML writer: every character it cannot represent becomes a visible escape. */
export function xmlSafe(s: string): string {
  return s.replace(NOT_XML_CHAR, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/**
 * One JUnit testcase. A failed SHOULD that does not gate (`--fail-on must`) is written as <skipped> with its details
 * in <system-out> and a verdict property, so test reporters do not show red for a passing gate (conformance/README.md).
 */
function testcase(c: CheckResult, records: FailureRecords, failOn: 'must' | 'should'): Record<string, unknown> {
  const tc: Record<string, unknown> = {
    '@_classname': xmlSafe(c.check.id),
    '@_name': xmlSafe(`${c.key} (${c.check.level}) ${c.check.description}`),
    '@_time': (c.durationMs / 1000).toFixed(3),
  };
  const props = [
    { '@_name': 'level', '@_value': c.check.level },
    { '@_name': 'verdict', '@_value': c.status },
  ];
  if (c.status === 'skip') tc['skipped'] = { '@_message': xmlSafe(c.summary) };
  if (c.status === 'fail') {
    const body = xmlSafe((records.get(c.key) ?? []).flatMap((f, i) => recordLines(f, i + 1)).join('\n'));
    if (gates({ level: c.check.level, status: 'fail' }, failOn)) tc['failure'] = { '@_message': xmlSafe(c.summary), '@_type': c.check.level, '#text': body };
    else tc['skipped'] = { '@_message': xmlSafe(`SHOULD not met (reported, not gating with --fail-on ${failOn}): ${c.summary}`) };
    tc['system-out'] = body;
  }
  tc['properties'] = { property: props };
  return tc;
}

/** Writes DIR/conformance-junit.xml: one testcase per check, class name the requirement ID (written by fast-xml-parser). */
export function writeJunitReport(dir: string, info: RunInfo, requirements: readonly RequirementResult[], records: FailureRecords): string {
  mkdirSync(resolve(dir), { recursive: true });
  const file = join(resolve(dir), 'conformance-junit.xml');
  const checks = requirements.flatMap((r) => r.checks);
  const cases = checks.map((c) => testcase(c, records, info.failOn));
  const failures = cases.filter((c) => 'failure' in c).length;
  const skipped = cases.filter((c) => 'skipped' in c).length;
  const counts = { '@_tests': checks.length, '@_failures': failures, '@_errors': 0, '@_skipped': skipped, '@_time': (info.durationMs / 1000).toFixed(3) };
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': 'lanet conformance',
      ...counts,
      testsuite: {
        '@_name': xmlSafe(`protocol v1 against ${info.target} (seed ${info.seed})`),
        ...counts,
        properties: {
          property: [
            { '@_name': 'target', '@_value': xmlSafe(info.target) },
            { '@_name': 'profiles', '@_value': info.profiles.join(',') },
            { '@_name': 'seed', '@_value': String(info.seed) },
            { '@_name': 'fail_on', '@_value': info.failOn },
          ],
        },
        testcase: cases,
      },
    },
  };
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: true });
  writeFileSync(file, builder.build(doc));
  return file;
}
