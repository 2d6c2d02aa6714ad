import { describe, expect, it } from 'vitest';
import { cachedValue } from './cached-value.js';

describe('cachedValue (GEN-8: anonymous endpoints cost O(1))', () => {
  it('shares one computation among concurrent callers and reuses its result until it is too old', async () => {
    let t = 0;
    let runs = 0;
    const get = cachedValue(
      async () => {
        runs++;
        return runs;
      },
      1000,
      () => t,
    );
    expect(await Promise.all([get(), get(), get()])).toEqual([1, 1, 1]);
    t = 999;
    expect(await get()).toBe(1);
    t = 1000;
    expect(await get()).toBe(2);
    expect(runs).toBe(2);
  });

  it('does not keep a failure: the next call computes again', async () => {
    let fail = true;
    const get = cachedValue(async () => {
      if (fail) throw new Error('store down');
      return 'ok';
    }, 1000);
    await expect(get()).rejects.toThrow('store down');
    fail = false;
    expect(await get()).toBe('ok');
  });
});
