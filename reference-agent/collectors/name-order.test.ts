import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { propertySeed } from '../test-support/property-seed.js';
import { compareNames } from './name-order.js';

const icu = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
const sign = (n: number) => Math.sign(n);

describe('compareNames: ICU English order, case-insensitive, numbers by value', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('orders printable ASCII as Intl.Collator does (symbols, then numbers by value, then letters)', () => {
    const seed = propertySeed('compareNames');
    // Digits and zeros weighted up, so numbers of different lengths and leading zeros meet often.
    const char = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...'0123456789000') },
      { weight: 3, arbitrary: fc.constantFrom(...'aAbBzZ') },
      { weight: 2, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
    );
    const name = fc.array(char, { maxLength: 12 }).map((a) => a.join(''));
    fc.assert(
      fc.property(name, name, (a, b) => {
        expect(sign(compareNames(a, b))).toBe(sign(icu.compare(a, b)));
      }),
      { seed, numRuns: 20_000 },
    );
  });

  it('ranks every printable ASCII character as ICU does, against every other', () => {
    const chars = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
    for (const a of chars) for (const b of chars) expect(sign(compareNames(a, b)), `${a} vs ${b}`).toBe(sign(icu.compare(a, b)));
  });

  it('the cases that decide it: leading zeros, number against symbol and letter, prefixes, case', () => {
    const pairs: Array<[string, string]> = [
      ['Program 9', 'Program 10'],
      ['v007', 'v7'],
      ['a0', 'a'],
      ['a00', 'a0'],
      ['x$', 'x1'],
      ['x1', 'xa'],
      ['7-Zip 23.01 (x64)', '7-Zip 9.20'],
      ['Zoom', 'zoom'],
      ['a b', 'ab'],
      ['a_b', 'a-b'],
      ['KB951072', 'KB2641690'],
      ['1.10', '1.9'],
    ];
    for (const [a, b] of pairs) {
      expect(sign(compareNames(a, b)), `${a} vs ${b}`).toBe(sign(icu.compare(a, b)));
      expect(sign(compareNames(b, a)), `${b} vs ${a}`).toBe(sign(icu.compare(b, a)));
    }
  });

  it('hands anything not printable ASCII to ICU: accents, other scripts, numbers past 254 digits', () => {
    const pairs: Array<[string, string]> = [
      ['Éditeur de factures', 'Editeur de factures 2'],
      ['Müller Zeiterfassung', 'Mueller'],
      ['日本語入力システム', 'Zoom'],
      ['Intel® Graphics', 'Intel Graphics'],
      [`n${'9'.repeat(254)}`, `n1${'0'.repeat(254)}`],
    ];
    for (const [a, b] of pairs) expect(sign(compareNames(a, b)), `${a} vs ${b}`).toBe(sign(icu.compare(a, b)));
  });

  it('never creates a collator for ASCII names, so ICU collation is not loaded (~2.9 MB of RSS, PERF-3)', async () => {
    vi.resetModules();
    let made = 0;
    class CountingCollator extends Intl.Collator {
      constructor(...args: ConstructorParameters<typeof Intl.Collator>) {
        super(...args);
        made++;
      }
    }
    vi.stubGlobal('Intl', Object.assign(Object.create(Intl) as typeof Intl, { Collator: CountingCollator }));
    const { compareNames: fresh } = await import('./name-order.js');
    const names = ['Zoom Workplace (64-bit)', '7-Zip 23.01 (x64)', 'google chrome', 'Google Chrome 131', 'libc6:amd64'];
    names.sort(fresh);
    expect(made).toBe(0);
    expect(fresh('Éditeur', 'editeur')).toBe(0);
    expect(made).toBe(1);
  });
});
