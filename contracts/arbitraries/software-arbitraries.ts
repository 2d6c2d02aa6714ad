import fc from 'fast-check';
import type { InstalledProgram, SoftwareInventorySchema } from '../index.js';
import { limits } from '../index.js';
import type { z } from 'zod';
import { withExtras, withExtrasInList } from './extra-fields.js';
import { programEntries, publishers } from './program-catalog.js';
import { unicodeText } from './unicode-text.js';

type SoftwareInventory = z.infer<typeof SoftwareInventorySchema>;

/** DisplayVersion forms: dotted builds, date stamps, a bare major. */
const versionArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.nat(40), fc.nat(99), fc.nat(40000), fc.nat(9999)).map(([a, b, c, d]) => `${a}.${b}.${c}.${d}`),
  fc.tuple(fc.nat(30), fc.nat(20)).map(([a, b]) => `${a}.${b}`),
  fc
    .date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10).replaceAll('-', '')),
);

/** A program from the catalogue, exactly as its Uninstall key reads (null version or publisher kept as null or left out). */
const catalogProgramArbitrary: fc.Arbitrary<InstalledProgram> = fc
  .tuple(fc.constantFrom(...programEntries), fc.boolean())
  .map(([[name, version, publisher], omitNulls]) => {
    const program: InstalledProgram = { name };
    if (version !== null || !omitNulls) program.version = version;
    if (publisher !== null || !omitNulls) program.publisher = publisher;
    return program;
  });

/** A generated program: a unicode DisplayName (accents, CJK, emoji), optional version and publisher. */
const generatedProgramArbitrary: fc.Arbitrary<InstalledProgram> = fc.record(
  {
    name: unicodeText({ minLength: 1, maxLength: 60, maxGraphemes: 30 }),
    version: fc.option(versionArbitrary, { nil: null }),
    publisher: fc.option(fc.oneof(fc.constantFrom(...publishers), unicodeText({ maxLength: 40, maxGraphemes: 20 })), { nil: null }),
  },
  { requiredKeys: ['name'], noNullPrototype: true },
);

/** A rare extreme: every field at its contract maximum length (HB-2: extremes are accepted). */
const longestProgramArbitrary: fc.Arbitrary<InstalledProgram> = fc.record(
  {
    name: unicodeText({ minLength: limits.programNameMax - 8, maxLength: limits.programNameMax }),
    version: fc.constant('9'.repeat(limits.programVersionMax)),
    publisher: unicodeText({ minLength: limits.publisherMax - 8, maxLength: limits.publisherMax }),
  },
  { noNullPrototype: true },
);

/** One installed program (unknown fields are added per list, see softwareInventoryArbitrary). */
export const installedProgramArbitrary: fc.Arbitrary<InstalledProgram> = fc.oneof(
  { weight: 40, arbitrary: catalogProgramArbitrary },
  { weight: 20, arbitrary: generatedProgramArbitrary },
  { weight: 1, arbitrary: longestProgramArbitrary },
);

/** A program count: anywhere in [min, max], with the edges (empty list, the maximum) drawn more often than chance. */
export function programCountArbitrary(min: number, max: number): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min, max }) },
    { weight: 1, arbitrary: fc.constantFrom(min, max) },
    { weight: 2, arbitrary: fc.integer({ min, max: Math.min(max, min + 60) }) },
  );
}

/** Software inventory: legacy python_version and/or the agent's own version fields, plus the installed programs. */
export function softwareInventoryArbitrary(programs: { min: number; max: number }, extras: boolean, includePrograms = true): fc.Arbitrary<SoftwareInventory> {
  const versions = fc.record(
    {
      python_version: fc.constantFrom('3.10.11', '3.8.10', '3.12.7', '3.13.1'),
      agent_version: fc.constantFrom('1.0.0', '1.1.0', '1.2.3-beta.1+build.42', '2.0.0'),
      agent_runtime: fc.constantFrom('node v20.20.2 (win32 x64)', 'node v20.18.1 (win32 arm64)', 'node v22.12.0 (win32 x64)', 'CPython 3.10.11 (win32)'),
      installed_programs_truncated: fc.constant(false),
    },
    { requiredKeys: [], noNullPrototype: true },
  );
  if (!includePrograms) return withExtras(versions, extras);
  const list = withExtrasInList(
    programCountArbitrary(programs.min, programs.max).chain((n) => fc.array(installedProgramArbitrary, { minLength: n, maxLength: n })),
    extras,
  );
  return withExtras(
    fc.tuple(versions, list).map(([v, installed_programs]) => ({ ...v, installed_programs })),
    extras,
  );
}
