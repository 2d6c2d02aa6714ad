import { describe, expect, it } from 'vitest';
import type { HistoryLimits, HistoryPosition, PruneStep, Store } from '../store/store.js';
import { HistoryPruner, type RetentionOptions } from './history-pruner.js';

const OPTIONS: RetentionOptions = { maxAgeMs: Infinity, maxCount: 10, maxBytes: Infinity, stepRows: 5, sweepIntervalMs: 60_000 };
const tick = () => new Promise((r) => setTimeout(r, 20));

/** A store whose prune steps the test resolves by hand, recording each call. */
function fakeStore() {
  const calls: string[] = [];
  const scanned: string[] = [];
  const pending: Array<(step: PruneStep) => void> = [];
  const step = (label: string) => {
    calls.push(label);
    return new Promise<PruneStep>((resolve) => pending.push(resolve));
  };
  const store = {
    pruneAgentHistory: (assetId: string, _limits: HistoryLimits, maxRows: number) => step(`agent ${assetId} ${maxRows}`),
    pruneExpired: (cutoffMs: number, maxRows: number, after?: HistoryPosition) => step(`age ${maxRows} ${after ? after.join(',') : 'start'} ${cutoffMs}`),
    agentsOverHistoryLimits: async () => {
      calls.push('scan');
      return scanned.splice(0);
    },
  } as unknown as Store;
  const finish = (s: Partial<PruneStep> = {}) => pending.shift()!({ deletedRows: 1, deletedBytes: 1, more: false, ...s });
  return { store, calls, finish, pending, scanned };
}

describe('HistoryPruner', () => {
  it('prunes an agent a commit reported over its budget, and not one within it', async () => {
    const f = fakeStore();
    const pruner = new HistoryPruner(f.store, OPTIONS);
    pruner.noteCommit('ok', { count: 10, bytes: 1 });
    await tick();
    expect(f.calls).toEqual([]);
    pruner.noteCommit('big', { count: 11, bytes: 1 });
    await tick();
    expect(f.calls).toEqual(['agent big 5']);
    f.finish();
    await tick();
    expect(f.calls).toHaveLength(1);
  });

  it('a report that arrives during the agent step keeps the agent queued (its step read the usage before that commit)', async () => {
    const f = fakeStore();
    const pruner = new HistoryPruner(f.store, OPTIONS);
    pruner.noteCommit('a', { count: 11, bytes: 1 });
    await tick();
    pruner.noteCommit('a', { count: 12, bytes: 1 }); // committed while the first step runs
    f.finish({ more: false });
    await tick();
    expect(f.calls).toEqual(['agent a 5', 'agent a 5']);
    f.finish({ more: false });
    await tick();
    expect(f.calls).toHaveLength(2);
  });

  it('runs one step at a time, and continues an agent while its step says more', async () => {
    const f = fakeStore();
    const pruner = new HistoryPruner(f.store, OPTIONS);
    pruner.noteCommit('a', { count: 30, bytes: 1 });
    pruner.noteCommit('b', { count: 30, bytes: 1 });
    await tick();
    expect(f.pending).toHaveLength(1);
    f.finish({ more: true });
    await tick();
    f.finish({ more: false });
    await tick();
    expect(f.calls).toEqual(['agent a 5', 'agent a 5', 'agent b 5']);
  });

  it('sweeps by age from the start, resuming at each step position, with the cutoff from its clock', async () => {
    const f = fakeStore();
    const pruner = new HistoryPruner(f.store, { ...OPTIONS, maxAgeMs: 1_000, maxCount: Infinity }, undefined, undefined, () => 5_000);
    pruner.start();
    await tick();
    f.finish({ more: true, next: [7, 8] });
    // Backlog steps are paced: the next one waits as long as the last one took (here about one tick).
    await new Promise((r) => setTimeout(r, 200));
    f.finish({ more: false, next: [9, 9] });
    await tick();
    await pruner.stop();
    expect(f.calls).toEqual(['age 5 start 4000', 'age 5 7,8 4000']);
  });

  it('agents the scan finds over budget are pruned after the ones commits report, and paced like the age backlog', async () => {
    const f = fakeStore();
    f.scanned.push('old');
    const pruner = new HistoryPruner(f.store, OPTIONS);
    pruner.start();
    await tick();
    expect(f.calls).toEqual(['scan', 'agent old 5']);
    pruner.noteCommit('hot', { count: 11, bytes: 1 });
    f.finish({ more: true }); // 'old' has more; 'hot' goes first anyway
    await tick();
    expect(f.calls.at(-1)).toBe('agent hot 5');
    f.finish();
    await new Promise((r) => setTimeout(r, 200));
    expect(f.calls.at(-1)).toBe('agent old 5');
    f.finish();
    await pruner.stop();
  });

  it('does nothing with every limit off, and stop() waits for the step in flight', async () => {
    const off = fakeStore();
    const idle = new HistoryPruner(off.store, { ...OPTIONS, maxCount: Infinity });
    idle.start();
    idle.noteCommit('a', { count: 1e9, bytes: 1e12 });
    await tick();
    expect(off.calls).toEqual([]);
    const f = fakeStore();
    const pruner = new HistoryPruner(f.store, OPTIONS);
    pruner.noteCommit('a', { count: 11, bytes: 1 });
    await tick();
    let stopped = false;
    const stopping = pruner.stop().then(() => (stopped = true));
    await tick();
    expect(stopped).toBe(false);
    f.finish();
    await stopping;
    expect(stopped).toBe(true);
  });
});
