/** How a logged send ended (0 while in flight). */
export const OUTCOME = { pending: 0, accepted: 1, rejected: 2, unauthorized: 3, 'network-error': 4, timeout: 5, 'server-error': 6 } as const;

/** Numeric outcome code. */
export type OutcomeCode = (typeof OUTCOME)[keyof typeof OUTCOME];

/**
 * Every heartbeat send of a run in growable typed columns (a few bytes per send, no object per send), so the checks
 * can look at schedules (AG-1), retries (AG-2, AG-3) and arrival peaks (AG-7) after the run.
 */
export class AttemptLog {
  private capacity = 1024;
  length = 0;
  agent = new Int32Array(this.capacity);
  /** Virtual ms the scheduler asked for. */
  scheduledMs = new Float64Array(this.capacity);
  /** Virtual ms the request actually left. */
  sentMs = new Float64Array(this.capacity);
  /** Virtual ms the answer (or failure) came back. */
  doneMs = new Float64Array(this.capacity);
  outcome = new Uint8Array(this.capacity);
  /** HTTP status (0 for none). */
  status = new Uint16Array(this.capacity);
  /** Index into `reasons`. */
  reason = new Uint8Array(this.capacity);
  /** The scheduler's interval in force at this send (seconds). */
  intervalS = new Float32Array(this.capacity);
  /** 1 when the payload was an injected invalid one (HB-3). */
  invalid = new Uint8Array(this.capacity);
  /** Beat number of the agent this send carried (a retry carries the same beat). */
  beat = new Int32Array(this.capacity);
  readonly reasons: string[] = [];
  private readonly reasonIndex = new Map<string, number>();

  /** Appends a send and returns its row. */
  add(agent: number, scheduledMs: number, sentMs: number, reason: string, intervalS: number, invalid: boolean, beat: number): number {
    if (this.length === this.capacity) this.grow();
    const row = this.length++;
    this.agent[row] = agent;
    this.scheduledMs[row] = scheduledMs;
    this.sentMs[row] = sentMs;
    this.doneMs[row] = Number.NaN;
    this.outcome[row] = OUTCOME.pending;
    this.reason[row] = this.reasonCode(reason);
    this.intervalS[row] = intervalS;
    this.invalid[row] = invalid ? 1 : 0;
    this.beat[row] = beat;
    return row;
  }

  /** Records how the send in `row` ended. */
  complete(row: number, doneMs: number, outcome: OutcomeCode, status: number): void {
    this.doneMs[row] = doneMs;
    this.outcome[row] = outcome;
    this.status[row] = status;
  }

  /** The reason string of a row. */
  reasonOf(row: number): string {
    return this.reasons[this.reason[row]!] ?? '?';
  }

  /** Rows grouped by agent, each in send order. */
  rowsByAgent(): Map<number, number[]> {
    const map = new Map<number, number[]>();
    for (let row = 0; row < this.length; row++) {
      const a = this.agent[row]!;
      let list = map.get(a);
      if (!list) map.set(a, (list = []));
      list.push(row);
    }
    return map;
  }

  private reasonCode(reason: string): number {
    let code = this.reasonIndex.get(reason);
    if (code === undefined) {
      code = this.reasons.length;
      if (code > 255) return 255;
      this.reasons.push(reason);
      this.reasonIndex.set(reason, code);
    }
    return code;
  }

  private grow(): void {
    this.capacity *= 2;
    const grow = <T extends Int32Array | Float64Array | Uint8Array | Uint16Array | Float32Array>(a: T, make: (n: number) => T): T => {
      const b = make(this.capacity);
      b.set(a);
      return b;
    };
    this.agent = grow(this.agent, (n) => new Int32Array(n));
    this.scheduledMs = grow(this.scheduledMs, (n) => new Float64Array(n));
    this.sentMs = grow(this.sentMs, (n) => new Float64Array(n));
    this.doneMs = grow(this.doneMs, (n) => new Float64Array(n));
    this.outcome = grow(this.outcome, (n) => new Uint8Array(n));
    this.status = grow(this.status, (n) => new Uint16Array(n));
    this.reason = grow(this.reason, (n) => new Uint8Array(n));
    this.intervalS = grow(this.intervalS, (n) => new Float32Array(n));
    this.invalid = grow(this.invalid, (n) => new Uint8Array(n));
    this.beat = grow(this.beat, (n) => new Int32Array(n));
  }
}
