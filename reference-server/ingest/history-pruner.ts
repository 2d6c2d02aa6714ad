/**
 * Retention of heartbeat history on the ingest thread (which owns the store): deletes what the policy no longer keeps
 * in small steps, each bounded by `stepRows` rows, so a commit never waits behind more than one step. Two kinds of
 * work: an agent over its count or byte budget (found by the commit that put it over, so a flooding token is cut back
 * after each of its commits), and a sweep of everything older than the age limit (every `sweepIntervalMs`, paced so
 * that a large backlog takes at most about half of the thread's time). An agent's latest heartbeat is never deleted
 * (FLT-3); HB-7 and FLT-4 hold within what is retained (spec/protocol.md).
 */
import type { HistoryLimits, HistoryPosition, HistoryUsage, PruneStep, Store } from '../store/store.js';

/** The retention policy and how its work is paced; Infinity is no limit. */
export interface RetentionOptions {
  /** Heartbeats received longer ago than this are deleted (HB-8: the server's clock). */
  maxAgeMs: number;
  /** Heartbeats kept per agent, newest first. */
  maxCount: number;
  /** Stored payload bytes kept per agent (UTF-8), newest first. */
  maxBytes: number;
  /** Rows one step looks at, at most: the bound on how long a step holds the store. */
  stepRows: number;
  /** How often the age sweep and the scan for agents over their limits start. */
  sweepIntervalMs: number;
}

/** Runs the retention policy against a store; one step at a time, never two at once. */
export class HistoryPruner {
  /** Agents to prune, each with the number of reports: a report during its step (PostgreSQL commits run alongside) keeps it queued. */
  private readonly overLimit = new Map<string, number>();
  /** Agents over budget found by the periodic scan: backlog, pruned at the age sweep's pace, after the urgent ones. */
  private readonly found = new Set<string>();
  private sweepFrom: HistoryPosition | undefined | null = null; // null: no sweep in progress
  private running = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> = Promise.resolve();
  private scanPending = false;
  private readonly limits: HistoryLimits;

  constructor(
    private readonly store: Store,
    private readonly options: RetentionOptions,
    private readonly report: (kind: 'age' | 'agent', step: PruneStep) => void = () => undefined,
    private readonly reportError: (err: Error) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { maxCount: options.maxCount, maxBytes: options.maxBytes };
  }

  /** Starts the first sweep now and one every `sweepIntervalMs`. */
  start(): void {
    if (!this.active) return;
    this.beginSweep();
    this.timer = setInterval(() => this.beginSweep(), this.options.sweepIntervalMs);
    this.timer.unref();
  }

  /** After a commit: an agent now over its count or byte budget is pruned next, before the age backlog. */
  noteCommit(assetId: string, usage: HistoryUsage | undefined): void {
    if (!usage || (usage.count <= this.limits.maxCount && usage.bytes <= this.limits.maxBytes)) return;
    this.overLimit.set(assetId, (this.overLimit.get(assetId) ?? 0) + 1);
    this.kick(0);
  }

  /** Stops the timer and waits for the step in progress (the store is closed next). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.current;
  }

  private get active(): boolean {
    const o = this.options;
    return Number.isFinite(o.maxAgeMs) || Number.isFinite(o.maxCount) || Number.isFinite(o.maxBytes);
  }

  private beginSweep(): void {
    if (this.sweepFrom === null && Number.isFinite(this.options.maxAgeMs)) this.sweepFrom = undefined;
    // Agents over their budget that no commit of this server reported (a restart, a lower budget, another server).
    this.scanPending = Number.isFinite(this.limits.maxCount) || Number.isFinite(this.limits.maxBytes);
    this.kick(0);
  }

  /** Schedules the next step: at once for an agent over budget, after a pause as long as the last step for the backlog. */
  private kick(pauseMs: number): void {
    if (this.running || this.stopped) return;
    if (this.overLimit.size === 0 && this.found.size === 0 && !this.scanPending && this.sweepFrom === null) return;
    this.running = true;
    const run = () => {
      this.current = this.step();
    };
    if (this.overLimit.size === 0 && pauseMs > 0) setTimeout(run, pauseMs).unref();
    else setImmediate(run);
  }

  /** One bounded step: the scan for agents over budget, else an agent a commit reported, else one the scan found, else the age sweep. */
  private async step(): Promise<void> {
    const started = performance.now();
    try {
      if (this.stopped) return;
      const [next] = this.overLimit;
      if (this.scanPending) {
        this.scanPending = false;
        for (const id of await this.store.agentsOverHistoryLimits(this.limits, 1_000)) this.found.add(id);
      } else if (next !== undefined) {
        const [assetId, reports] = next;
        const step = await this.store.pruneAgentHistory(assetId, this.limits, this.options.stepRows);
        // Done with it unless a commit reported it again meanwhile (it read the usage before that commit).
        if (!step.more && this.overLimit.get(assetId) === reports) this.overLimit.delete(assetId);
        if (step.deletedRows > 0) this.report('agent', step);
      } else if (this.found.size > 0) {
        const [assetId] = this.found;
        const step = await this.store.pruneAgentHistory(assetId!, this.limits, this.options.stepRows);
        if (!step.more) this.found.delete(assetId!);
        if (step.deletedRows > 0) this.report('agent', step);
      } else if (this.sweepFrom !== null) {
        const step = await this.store.pruneExpired(this.now() - this.options.maxAgeMs, this.options.stepRows, this.sweepFrom);
        this.sweepFrom = step.more ? step.next : null;
        if (step.deletedRows > 0) this.report('age', step);
      }
    } catch (err) {
      // The store failed (busy, unreachable): drop this round; the next sweep starts over.
      this.overLimit.clear();
      this.found.clear();
      this.sweepFrom = null;
      this.reportError(err as Error);
    } finally {
      this.running = false;
    }
    this.kick(performance.now() - started);
  }
}
