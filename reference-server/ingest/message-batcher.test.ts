import { describe, expect, it } from 'vitest';
import { MessageBatcher } from './message-batcher.js';

describe('MessageBatcher: one postMessage per turn of the event loop', () => {
  it('sends what one turn posted as one batch, in order, and the next turn as another', async () => {
    const sent: number[][] = [];
    const batcher = new MessageBatcher<number>((batch) => sent.push(batch));
    for (let i = 1; i <= 5; i++) batcher.post(i);
    expect(sent).toEqual([]); // nothing leaves before the turn ends
    await new Promise((resolve) => setImmediate(resolve));
    batcher.post(6);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([[1, 2, 3, 4, 5], [6]]);
  });

  it('flush sends at once (before a port closes) and the scheduled turn then sends nothing empty', async () => {
    const sent: string[][] = [];
    const batcher = new MessageBatcher<string>((batch) => sent.push(batch));
    batcher.post('a');
    batcher.flush();
    expect(sent).toEqual([['a']]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([['a']]);
  });
});
