import type { SchedulerPolicy, SendOutcome } from '@lanet/reference-agent/scheduler/scheduler-types';

/** AG-1's window: the n-th heartbeat is sent within ±30 s of start + n × interval. */
export const AG1_WINDOW_S = 30;

/** Retry gaps are judged on the scheduler's decisions, so a loaded machine's event-loop lag cannot fail an agent. */
const SLACK_MS = 1;

/** Outcome codes kept per agent (typed arrays, never an object per send). */
const CODE = { none: 0, accepted: 1, rejected: 2, unauthorized: 3, 'network-error': 4, timeout: 5, 'server-error': 6 } as const;

/** What the stats need to judge retries and arrivals while the run goes on. */
export interface AttemptStatsOptions {
  policy: SchedulerPolicy;
  /** Retry-After the scenario's 503s carry (AG-3's floor). */
  retryAfterS?: number;
  /** Protocol ms the outage ends: each agent's first delivery after it is kept (AG-2 recovery). */
  restoredAtMs?: number;
  /** AG-7: arrivals are counted in windows of `windowMs` from `fromMs` (a restart, the end of an outage, start-up). */
  arrivals?: { fromMs: number; windowMs: number; windows: number };
}

/**
 * Every figure the timing checks (AG-1, AG-2, AG-3, AG-7, HB-8's answer time) need, folded in while the run goes on:
 * a few numbers per agent and per arrival window, so memory is O(agents), never O(heartbeats) (issue 13). Each
 * agent's sends are sequential (the scheduler decides the next one after the outcome), so "the previous attempt"
 * is one slot per agent.
 */
export class AttemptStats {
  private readonly lastOutcome: Uint8Array;
  private readonly lastDoneMs: Float64Array;
  /** Failed attempts in a row (network or server errors): AG-3's exponent, and AG-2's escalation since 2026-12-02. */
  private readonly streak: Uint16Array;
  private readonly anchorMs: Float64Array;
  private readonly anchorIntervalS: Float32Array;
  /** Virtual ms after the restore at which each agent first got a heartbeat accepted (NaN: not yet). */
  readonly firstAfterRestoreMs: Float64Array;
  /** Each agent's slowest answer in real seconds (HB-8: the measured skew may trail by this much). */
  readonly slowestAnswerS: Float32Array;
  /** AG-7: sends per window after `arrivals.fromMs`. */
  readonly arrivalCounts: Int32Array;
  readonly schedule = { measured: 0, outside: 0, worstS: 0, laggedOut: 0, worstSentS: 0 };
  readonly network = { retries: 0, offWindow: 0, repeated: 0, escalated: 0 };
  readonly backoff = { retries: 0, tooSoon: 0, tooLate: 0, maxN: 0 };

  constructor(
    agents: number,
    readonly options: AttemptStatsOptions,
  ) {
    this.lastOutcome = new Uint8Array(agents);
    this.lastDoneMs = new Float64Array(agents);
    this.streak = new Uint16Array(agents);
    this.anchorMs = new Float64Array(agents).fill(Number.NaN);
    this.anchorIntervalS = new Float32Array(agents);
    this.firstAfterRestoreMs = new Float64Array(agents).fill(Number.NaN);
    this.slowestAnswerS = new Float32Array(agents);
    this.arrivalCounts = new Int32Array(options.arrivals?.windows ?? 0);
  }

  /** Agent `i` sends now (`sentMs`) what its scheduler set for `scheduledMs`, all virtual ms. */
  onSend(i: number, scheduledMs: number, sentMs: number, reason: string, intervalS: number): void {
    this.judgeSchedule(i, scheduledMs, sentMs, reason, intervalS);
    this.judgeRetry(i, scheduledMs);
    this.lastOutcome[i] = CODE.none; // in flight: the next send is judged against this one once it is answered
    const arrivals = this.options.arrivals;
    if (arrivals && sentMs >= arrivals.fromMs) {
      const w = Math.floor((sentMs - arrivals.fromMs) / arrivals.windowMs);
      if (w < this.arrivalCounts.length) this.arrivalCounts[w]!++;
    }
  }

  /** Agent `i`'s send (scheduled at `scheduledMs`, left at `sentMs`) ended at `doneMs` with `kind`. */
  onDone(i: number, scheduledMs: number, sentMs: number, doneMs: number, kind: SendOutcome['kind'], timeScale: number): void {
    this.lastOutcome[i] = CODE[kind];
    this.lastDoneMs[i] = doneMs;
    const answerS = (doneMs - sentMs) / timeScale / 1000;
    if (answerS > this.slowestAnswerS[i]!) this.slowestAnswerS[i] = answerS;
    const restored = this.options.restoredAtMs;
    if (kind === 'accepted' && restored !== undefined && scheduledMs >= restored) {
      const t = scheduledMs - restored;
      const seen = this.firstAfterRestoreMs[i]!;
      if (Number.isNaN(seen) || t < seen) this.firstAfterRestoreMs[i] = t;
    }
  }

  /** AG-1: grid sends after the start-up send lie within ±30 s of anchor + n × interval; HB-11 steering re-anchors. */
  private judgeSchedule(i: number, scheduledMs: number, sentMs: number, reason: string, intervalS: number): void {
    if (reason === 'startup') {
      this.anchorMs[i] = scheduledMs;
      this.anchorIntervalS[i] = intervalS;
      return;
    }
    const anchor = this.anchorMs[i]!;
    if (Number.isNaN(anchor) || (reason !== 'schedule' && reason !== 'after-reject')) return;
    if (Math.fround(intervalS) !== this.anchorIntervalS[i]) {
      this.anchorMs[i] = scheduledMs;
      this.anchorIntervalS[i] = intervalS;
      return;
    }
    const n = Math.round((scheduledMs - anchor) / (intervalS * 1000));
    const offS = Math.abs(scheduledMs - anchor - n * intervalS * 1000) / 1000;
    const actualOffS = Math.abs(sentMs - anchor - n * intervalS * 1000) / 1000;
    const s = this.schedule;
    s.measured++;
    s.worstS = Math.max(s.worstS, offS);
    s.worstSentS = Math.max(s.worstSentS, actualOffS);
    if (offS > AG1_WINDOW_S) s.outside++;
    else if (actualOffS > AG1_WINDOW_S) s.laggedOut++;
  }

  /**
   * AG-2 after a network failure or timeout, AG-3 after a 5xx/503/429: the gap the scheduler chose. The first
   * network retry waits 60 s ± jitter; since 2026-12-02 a retry that fails again escalates to AG-3's backoff, so a
   * repeated failure may wait anything up to min(cap, base × 2^(failures in a row - 1)); the flat 60 s the older
   * scheduler keeps is inside that too. `escalated` counts the repeated retries that left the 60 s window.
   */
  private judgeRetry(i: number, scheduledMs: number): void {
    const prev = this.lastOutcome[i]!;
    const network = prev === CODE['network-error'] || prev === CODE.timeout;
    if (!network && prev !== CODE['server-error']) {
      this.streak[i] = 0;
      return;
    }
    const streak = ++this.streak[i]!;
    const gap = scheduledMs - this.lastDoneMs[i]!;
    const { policy, retryAfterS } = this.options;
    const ceiling = Math.min(policy.backoffCapS, policy.backoffBaseS * 2 ** (streak - 1)) * 1000;
    if (network) {
      const lo = (policy.retryDelayS - policy.retryJitterS) * 1000 - SLACK_MS;
      const hi = (policy.retryDelayS + policy.retryJitterS) * 1000 + SLACK_MS;
      const n = this.network;
      n.retries++;
      if (streak === 1) {
        if (gap < lo || gap > hi) n.offWindow++;
        return;
      }
      n.repeated++;
      if (gap < lo || gap > hi) n.escalated++;
      if (gap < -SLACK_MS || gap > Math.max(hi, ceiling + SLACK_MS)) n.offWindow++;
      return;
    }
    const floor = (retryAfterS ?? 0) * 1000;
    const b = this.backoff;
    b.retries++;
    if (gap < floor - SLACK_MS) b.tooSoon++;
    if (gap > Math.max(ceiling, floor) + SLACK_MS) b.tooLate++;
    b.maxN = Math.max(b.maxN, streak);
  }
}
