import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DueHeap } from './due-heap.js';

const seed = Number(process.env.LANET_SEED ?? Date.now() % 2_147_483_647);

describe('DueHeap', () => {
  it('pops items in due-time order for any insertion order', () => {
    console.log(`due-heap property seed ${seed} (LANET_SEED=${seed} reproduces)`);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { maxLength: 300 }), (times) => {
        const heap = new DueHeap();
        times.forEach((t, i) => heap.push(t, i));
        const popped: number[] = [];
        while (heap.size > 0) popped.push(times[heap.pop()!]!);
        expect(popped).toEqual([...times].sort((a, b) => a - b));
      }),
      { seed },
    );
  });

  it('reports empty and the earliest time', () => {
    const heap = new DueHeap();
    expect(heap.pop()).toBeUndefined();
    expect(heap.peekTime()).toBeUndefined();
    heap.push(5, 1);
    heap.push(2, 2);
    expect(heap.peekTime()).toBe(2);
    expect(heap.pop()).toBe(2);
    expect(heap.pop()).toBe(1);
  });
});
