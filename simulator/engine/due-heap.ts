/**
 * A binary min-heap of due times: the one timer wheel every virtual agent shares, so an idle agent costs an array
 * slot and no timer, promise or closure (design: many agents in one process, no thread or timer per agent).
 */
export class DueHeap {
  private readonly times: number[] = [];
  private readonly items: number[] = [];

  /** Number of pending entries. */
  get size(): number {
    return this.times.length;
  }

  /** The earliest due time, or undefined when empty. */
  peekTime(): number | undefined {
    return this.times[0];
  }

  /** Schedules `item` (an agent index) at `time`. */
  push(time: number, item: number): void {
    const times = this.times;
    const items = this.items;
    let i = times.length;
    times.push(time);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent]! <= time) break;
      times[i] = times[parent]!;
      items[i] = items[parent]!;
      i = parent;
    }
    times[i] = time;
    items[i] = item;
  }

  /** Removes and returns the earliest item, or undefined when empty. */
  pop(): number | undefined {
    const times = this.times;
    const items = this.items;
    if (times.length === 0) return undefined;
    const top = items[0]!;
    const lastTime = times.pop()!;
    const lastItem = items.pop()!;
    const n = times.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && times[right]! < times[left]! ? right : left;
        if (times[child]! >= lastTime) break;
        times[i] = times[child]!;
        items[i] = items[child]!;
        i = child;
      }
      times[i] = lastTime;
      items[i] = lastItem;
    }
    return top;
  }
}
