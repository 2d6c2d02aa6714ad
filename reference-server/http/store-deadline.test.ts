import { describe, expect, it } from 'vitest';
import type { Store } from '../store/store.js';
import { ShedProblem } from './shed.js';
import { storeWithDeadline } from './store-deadline.js';

/** A store whose only methods used here answer as the test says. */
function fakeStore(getAgent: () => Promise<unknown>): Store {
  return { kind: 'sqlite', getAgent, ping: () => Promise.resolve() } as unknown as Store;
}

describe('storeWithDeadline (GEN-8)', () => {
  it('passes answers and non-transient errors through', async () => {
    const ok = storeWithDeadline(
      fakeStore(() => Promise.resolve('row')),
      Date.now() + 1_000,
    );
    await expect(ok.getAgent('a')).resolves.toBe('row');
    expect(ok.kind).toBe('sqlite');
    const broken = storeWithDeadline(
      fakeStore(() => Promise.reject(new Error('constraint'))),
      Date.now() + 1_000,
    );
    await expect(broken.getAgent('a')).rejects.toThrow('constraint');
  });

  it('a call past the deadline is a 503 store_deadline, a transient error a 503 store_error', async () => {
    const stalled = storeWithDeadline(
      fakeStore(() => new Promise(() => undefined)),
      Date.now() + 50,
    );
    const late = await stalled.getAgent('a').catch((e: unknown) => e);
    expect(late).toBeInstanceOf(ShedProblem);
    expect((late as ShedProblem).reason).toBe('store_deadline');
    expect((late as ShedProblem).extra.headers?.['Retry-After']).toBe('10');
    const busy = storeWithDeadline(
      fakeStore(() => Promise.reject(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' }))),
      Date.now() + 1_000,
    );
    const err = await busy.getAgent('a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShedProblem);
    expect((err as ShedProblem).reason).toBe('store_error');
    expect((err as ShedProblem).status).toBe(503);
  });
});
