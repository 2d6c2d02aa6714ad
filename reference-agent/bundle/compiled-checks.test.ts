import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { validateMessage, type ValidationResult } from '@lanet/contracts';
import { arbitraryFromSchema, heartbeatArbitrary, invalidHeartbeatArbitrary } from '@lanet/contracts/arbitraries';
import { agentSchemas, type CheckName } from '../checks/agent-schemas.js';
import { propertySeed } from '../test-support/property-seed.js';
import { compiledChecksSource } from './compiled-checks.js';

// The single-file agent checks with compiledChecksSource()'s module instead of zod (PERF-3). These properties hold
// it to zod's verdict on every schema of the table: what zod accepts it accepts, what zod refuses it refuses.
const dir = mkdtempSync(join(tmpdir(), 'lanet-compiled-checks-'));
let compiled: { check: (name: CheckName, value: unknown) => ValidationResult<unknown>; checkEngine: string };
beforeAll(async () => {
  // Bundled as build-agent.ts does, so Ajv's run-time helpers are inlined and nothing is loaded from node_modules.
  const out = join(dir, 'checks.mjs');
  await build({
    stdin: { contents: compiledChecksSource(), loader: 'js', resolveDir: fileURLToPath(new URL('../../', import.meta.url)) },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: out,
    logLevel: 'warning',
  });
  compiled = await import(pathToFileURL(out).href);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const seed = propertySeed('compiled checks');
const names = Object.keys(agentSchemas) as CheckName[];
const zodOk = (name: CheckName, value: unknown) => validateMessage(agentSchemas[name] as z.ZodType, value).ok;

describe("the single-file agent's precompiled checks give zod's verdict", () => {
  it('is the compiled engine, with one check per schema of the table', () => {
    expect(compiled.checkEngine).toBe('compiled');
    for (const name of names) expect(() => compiled.check(name, null), name).not.toThrow();
    expect(() => compiled.check('nope' as CheckName, {})).toThrow(/no compiled check named nope/);
  });

  it('accepts every value generated from each schema, as zod does', () => {
    for (const name of names) {
      fc.assert(
        fc.property(arbitraryFromSchema(agentSchemas[name] as z.ZodType), (value) => {
          expect(compiled.check(name, value).ok, name).toBe(zodOk(name, value));
          expect(compiled.check(name, value).ok, name).toBe(true);
        }),
        { seed, numRuns: 25 },
      );
    }
  });

  it('HB-2: accepts every generated heartbeat (unicode names at their length limit, 500 programs)', () => {
    fc.assert(
      fc.property(heartbeatArbitrary(), (hb) => {
        const verdict = compiled.check('heartbeat', hb);
        expect(verdict.ok ? [] : verdict.errors).toEqual([]);
      }),
      { seed, numRuns: 40 },
    );
  });

  it('HB-3: refuses every single-rule mutation of a heartbeat, at the mutated pointer', () => {
    fc.assert(
      fc.property(invalidHeartbeatArbitrary(), (m) => {
        const verdict = compiled.check('heartbeat', m.payload);
        expect(verdict.ok, m.label).toBe(false);
        expect(zodOk('heartbeat', m.payload), m.label).toBe(false);
        if (!verdict.ok) expect(m.pointer.startsWith(verdict.errors[0]!.path) || verdict.errors[0]!.path.startsWith(m.pointer), m.label).toBe(true);
      }),
      { seed, numRuns: 150 },
    );
  });

  it('agrees with zod on arbitrary JSON for every schema (what programs print is never trusted)', () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    for (const name of names) {
      fc.assert(
        fc.property(json, (value) => {
          expect(compiled.check(name, value).ok, `${name} ${JSON.stringify(value)}`).toBe(zodOk(name, value));
        }),
        { seed, numRuns: 60 },
      );
    }
  });

  it('names a missing member "required" at its own pointer, and a wrong type at its field', () => {
    const missing = compiled.check('windowsSystem', { PartOfDomain: true, Version: '10.0.1' });
    expect(missing).toEqual({ ok: false, errors: [{ path: '/Name', message: 'required' }] });
    const wrong = compiled.check('windowsSystem', { Name: 'PC', PartOfDomain: 'yes', Version: '10.0.1' });
    expect(wrong.ok ? [] : wrong.errors.map((e) => e.path)).toEqual(['/PartOfDomain']);
  });
});
