import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InstalledProgramSchema, limits } from '@lanet/contracts';
import { propertySeed } from '../test-support/property-seed.js';
import { normalizePrograms } from './normalize-programs.js';

describe('normalizePrograms', () => {
  it('deduplicates HKLM/WOW6432Node copies, drops nameless entries, sorts by name then version', () => {
    const list = normalizePrograms([
      { name: 'Zoom Workplace (64-bit)', version: '6.2.11', publisher: null },
      { name: '7-Zip 23.01 (x64)', version: '23.01', publisher: 'Igor Pavlov' },
      { name: 'zoom workplace (64-bit)', version: '6.2.11', publisher: 'Zoom Video Communications, Inc.' },
      { name: '   ', version: '1.0' },
      { name: null, version: '2.0' },
      { name: 'Google Chrome', version: '131.0.6778.86', publisher: 'Google LLC' },
      { name: 'Google Chrome', version: '130.0.6723.117', publisher: 'Google LLC' },
    ]);
    expect(list.installed_programs.map((p) => [p.name, p.version])).toEqual([
      ['7-Zip 23.01 (x64)', '23.01'],
      ['Google Chrome', '130.0.6723.117'],
      ['Google Chrome', '131.0.6778.86'],
      ['Zoom Workplace (64-bit)', '6.2.11'],
    ]);
    expect(list.installed_programs[3]!.publisher).toBe('Zoom Video Communications, Inc.');
    expect(list.installed_programs_truncated).toBe(false);
  });

  it("sends more than the seed's 50 programs, and cuts at limits.programsMax with the truncated flag", () => {
    const raw = Array.from({ length: limits.programsMax + 7 }, (_, i) => ({ name: `Program ${i}`, version: '1.0' }));
    expect(normalizePrograms(raw.slice(0, 300)).installed_programs).toHaveLength(300);
    const cut = normalizePrograms(raw);
    expect(cut.installed_programs).toHaveLength(limits.programsMax);
    expect(cut.installed_programs_truncated).toBe(true);
    expect(cut.total).toBe(limits.programsMax + 7);
  });

  it('always yields contract-valid, unique, sorted programs from arbitrary registry strings', () => {
    const seed = propertySeed('normalizePrograms');
    const text = fc.option(fc.string({ unit: 'binary', maxLength: 400 }), { nil: null });
    fc.assert(
      fc.property(fc.array(fc.record({ name: text, version: text, publisher: text }), { maxLength: 60 }), (raw) => {
        const { installed_programs } = normalizePrograms(raw);
        const keys = installed_programs.map((p) => `${p.name.toLowerCase()}|${(p.version ?? '').toLowerCase()}`);
        expect(new Set(keys).size).toBe(keys.length);
        for (const program of installed_programs) expect(InstalledProgramSchema.safeParse(program).success).toBe(true);
      }),
      { seed, numRuns: 200 },
    );
  });
});
