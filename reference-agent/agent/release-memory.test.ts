import { afterEach, describe, expect, it, vi } from 'vitest';
import { releaseCycleGarbage } from './release-memory.js';

describe('releaseCycleGarbage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('runs the collection node exposes with --expose-gc (one of the service flags, PERF-3)', () => {
    const gc = vi.fn();
    vi.stubGlobal('gc', gc);
    expect(releaseCycleGarbage()).toBe(true);
    expect(gc).toHaveBeenCalledTimes(1);
  });

  it('does nothing without it (the agent run from the kit, or node without the flag)', () => {
    vi.stubGlobal('gc', undefined);
    expect(releaseCycleGarbage()).toBe(false);
  });
});
