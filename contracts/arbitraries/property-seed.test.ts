import { afterEach, describe, expect, it } from 'vitest';
import { propertySeed } from './index.js';

const saved = process.env['LANET_SEED'];

describe('propertySeed', () => {
  afterEach(() => {
    if (saved === undefined) delete process.env['LANET_SEED'];
    else process.env['LANET_SEED'] = saved;
  });

  it('replays the seed LANET_SEED names', () => {
    process.env['LANET_SEED'] = '1234567';
    expect(propertySeed()).toBe(1234567);
    process.env['LANET_SEED'] = '-42';
    expect(propertySeed()).toBe(-42);
  });

  it('draws a fresh integer seed when LANET_SEED is unset or empty', () => {
    delete process.env['LANET_SEED'];
    const seeds = Array.from({ length: 20 }, () => propertySeed());
    expect(seeds.every((s) => Number.isSafeInteger(s) && s >= 0)).toBe(true);
    expect(new Set(seeds).size).toBeGreaterThan(1);
    process.env['LANET_SEED'] = '';
    expect(Number.isSafeInteger(propertySeed())).toBe(true);
  });

  it('refuses a LANET_SEED that is not an integer, saying what to set instead', () => {
    process.env['LANET_SEED'] = 'abc';
    expect(() => propertySeed()).toThrow(/LANET_SEED='abc' is not an integer/);
    process.env['LANET_SEED'] = '1.5';
    expect(() => propertySeed()).toThrow(/not an integer/);
  });
});
