import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { afterAll, describe, expect, it } from 'vitest';
import { propertySeed } from '@lanet/contracts/arbitraries/property-seed';
import type { Check } from '../checks/check-types.js';
import type { CheckResult } from '../runner/run-checks.js';
import type { FailureRecord } from './failure-files.js';
import { writeJsonReport, writeJunitReport, xmlSafe } from './file-reports.js';
import { summarizeByRequirement } from './requirement-summary.js';

const dir = mkdtempSync(join(tmpdir(), 'lanet-junit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const check = (id: string, name: string, level: 'MUST' | 'SHOULD'): Check => ({
  id,
  name,
  level,
  profile: 'core',
  description: `${id} check`,
  run: async () => ({ status: 'pass', summary: '', findings: [] }),
});
const result = (c: Check, status: CheckResult['status'], summary: string): CheckResult => ({
  check: c,
  key: `${c.id}/${c.name}`,
  status,
  summary,
  findings: status === 'fail' ? [{ message: summary }] : [],
  durationMs: 12,
});
const record = (text: string): FailureRecord => ({
  message: text,
  response: text,
  expected: text,
  seed: 1,
  replay: `npx lanet conformance --checks HB-3 # ${text}`,
  request: { method: 'POST', path: '/api/agents/heartbeat', headers: { 'x-echo': text } },
});

/** Parses XML strictly (XML 1.0 well-formedness, character ranges included) and collects attributes and text. */
function parseStrict(xml: string): { attributes: Array<Record<string, string>>; text: string } {
  const parser = new SaxesParser();
  const attributes: Array<Record<string, string>> = [];
  let text = '';
  let error: Error | undefined;
  parser.on('error', (e) => {
    error ??= e;
  });
  parser.on('opentag', (t) => attributes.push(Object.fromEntries(Object.entries(t.attributes).map(([k, v]) => [k, String(v)]))));
  parser.on('text', (t) => {
    text += t;
  });
  parser.write(xml).close();
  if (error) throw error;
  return { attributes, text };
}

describe('JUnit report', () => {
  it('is well-formed XML for any text a target can send back (U+FFFE, U+FFFF, lone surrogates, controls), property', () => {
    const seed = propertySeed();
    console.log(`JUnit property: seed ${seed} (set LANET_SEED to replay)`);
    const hard = fc.constantFrom('\uFFFE', '\uFFFF', '\uD800', '\uDFFF', '\u0000', '\u0001', '\u001F', ']]>', '<!--', '&amp;', '"\'<>', '\r\n\t');
    const text = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme' }),
      fc.array(fc.oneof(hard, fc.string({ unit: 'binary-ascii' })), { maxLength: 8 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(text, text, (summary, echoed) => {
        const failed = check('HB-3', 'generated-invalid', 'MUST');
        const results = [result(failed, 'fail', summary), result(check('HB-1', 'seed-example', 'MUST'), 'skip', echoed)];
        const file = writeJunitReport(
          dir,
          { target: `http://127.0.0.1:1/${echoed}`, profiles: ['core'], seed: 1, durationMs: 5, failOn: 'must' },
          summarizeByRequirement(results),
          new Map([['HB-3/generated-invalid', [record(echoed)]]]),
        );
        const parsed = parseStrict(readFileSync(file, 'utf8'));
        // Nothing is lost silently: every string comes back as its XML-safe form (after XML's own end-of-line and
        // attribute-value normalization: CR LF and CR read as LF; LF and TAB in an attribute read as a space).
        const eol = (s: string) => xmlSafe(s).replace(/\r\n?/g, '\n');
        const failure = parsed.attributes.find((a) => a['type'] === 'MUST');
        expect(failure?.['message']).toBe(eol(summary).replace(/[\n\t]/g, ' '));
        expect(parsed.text).toContain(eol(echoed));
      }),
      { seed, numRuns: 300 },
    );
  });

  it('writes a SHOULD failure as <skipped> while the gate passes, and as <failure> with --fail-on should', () => {
    const should = check('GEN-7', 'not-found-and-method', 'SHOULD');
    const requirements = summarizeByRequirement([result(should, 'fail', 'no Allow header'), result(check('HB-1', 'seed-example', 'MUST'), 'pass', 'ok')]);
    const records = new Map([['GEN-7/not-found-and-method', [record('405 without Allow')]]]);
    for (const [failOn, failures, skipped] of [
      ['must', '0', '1'],
      ['should', '1', '0'],
    ] as const) {
      const file = writeJunitReport(
        join(dir, failOn),
        { target: 'http://127.0.0.1:1', profiles: ['core'], seed: 1, durationMs: 5, failOn },
        requirements,
        records,
      );
      const { attributes, text } = parseStrict(readFileSync(file, 'utf8'));
      expect(attributes[0]).toMatchObject({ tests: '2', failures, skipped });
      expect(text).toContain('405 without Allow');
      expect(attributes.some((a) => a['name'] === 'verdict' && a['value'] === 'fail')).toBe(true);
    }
  });

  it('JSON: a partial requirement is never "pass", and failures carry request, response, expected, seed and replay', () => {
    const a = check('HB-7', 'retries-answered', 'MUST');
    const b = check('HB-7', 'stored-once', 'MUST');
    const requirements = summarizeByRequirement([result(a, 'pass', '2xx'), result(b, 'skip', 'needs the fleet profile')]);
    expect(requirements[0]).toMatchObject({ id: 'HB-7', status: 'partial' });
    const failing = summarizeByRequirement([result(check('HB-3', 'listed-mutations', 'MUST'), 'fail', 'cpu 150 accepted')]);
    const file = writeJsonReport(
      dir,
      { target: 'http://127.0.0.1:1', profiles: ['core'], seed: 9, durationMs: 5, failOn: 'must' },
      [...requirements, ...failing],
      new Map([['HB-3/listed-mutations', [record('x')]]]),
    );
    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(json.results[0]).toMatchObject({ id: 'HB-7', status: 'partial', gating: false });
    expect(json.results[1].checks[0].failures[0]).toMatchObject({
      request: { method: 'POST' },
      response: 'x',
      expected: 'x',
      seed: 1,
      replay: expect.stringContaining('--checks HB-3'),
    });
  });
});
