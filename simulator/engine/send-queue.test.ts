import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertySeed } from '@lanet/contracts/arbitraries';
import { SendQueue } from './send-queue.js';

describe('SendQueue', () => {
  it('hands agents back first in, first out, with their due times, across compactions (any push/shift mix)', () => {
    const seed = propertySeed();
    console.log(`send-queue property seed ${seed} (LANET_SEED=${seed} reproduces)`);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(-1), fc.nat(5000)), { maxLength: 6000 }), (ops) => {
        const queue = new SendQueue();
        const model: Array<{ agent: number; dueMs: number }> = [];
        ops.forEach((op, k) => {
          if (op === -1) expect(queue.shift()).toEqual(model.shift());
          else queue.push(op, k * 10), model.push({ agent: op, dueMs: k * 10 });
          expect(queue.size).toBe(model.length);
        });
        while (model.length > 0) expect(queue.shift()).toEqual(model.shift());
        expect(queue.shift()).toBeUndefined();
      }),
      { seed, numRuns: 50 },
    );
  });

  it('keeps no more than it holds after a long run (the consumed prefix is dropped)', () => {
    const queue = new SendQueue();
    for (let k = 0; k < 100_000; k++) {
      queue.push(k, k);
      queue.shift();
    }
    const internals = queue as unknown as { agents: number[] };
    expect(internals.agents.length).toBeLessThan(2048);
    expect(queue.size).toBe(0);
  });
});
