import os from 'node:os';
import type { Logger } from 'pino';
import type { CollectionRun } from '../collectors/run-collectors.js';
import { agentVersion } from '../collectors/agent-collector.js';
import type { HeartbeatSchedulerApi, SchedulerDecision, SendOutcome } from '../scheduler/scheduler-types.js';
import { register, sendHeartbeat, type SendReport } from '../transport/http-transport.js';
import { buildHeartbeat } from './build-heartbeat.js';
import { CycleMeter } from './cycle-meter.js';
import { releaseCycleGarbage } from './release-memory.js';
import type { AgentState, IdentityStore } from './identity-store.js';

/** What the runner needs; the CLI wires real ones, tests pass a fixed collection and a fake clock. */
export interface AgentRunnerOptions {
  server: string;
  enrollmentSecret: string | undefined;
  store: IdentityStore;
  scheduler: HeartbeatSchedulerApi;
  collect: () => Promise<CollectionRun>;
  fingerprint: () => Promise<string>;
  logger: Logger;
  /** Called after every send or registration, for the soak script and tests. */
  onReport?: (entry: { decision: SchedulerDecision; report: SendReport; next: SchedulerDecision }) => void;
}

/** Resolves at `atMs` on Date's clock (fake timers move both), or early when the signal aborts. */
function sleepUntil(atMs: number, signal: AbortSignal): Promise<void> {
  const ms = atMs - Date.now();
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * The reference agent's loop: the scheduler decides when (AG-1..AG-7), this collects ahead of each slot so the
 * send lands on it, registers when it has no identity or got a 401 (AG-6), resends the same heartbeat on retries
 * (same Idempotency-Key, HB-7), and logs each cycle: collector times, bytes raw and gzipped, answer, next send.
 */
export class AgentRunner {
  private state: AgentState | undefined;
  private pending: { run: CollectionRun; timestamp: Date; collectedAtMs: number } | undefined;
  /** How early to start collecting so the send is on its slot: the slowest of the last collections plus a margin. */
  private leadMs = 5_000;
  private recentCollectionMs: number[] = [];
  private lastTimings: CollectionRun['timings'] = [];
  /** When the last request started: a cycle's lateness (AG-1) is its send's start against its slot. */
  private lastRequestAtMs: number | undefined;
  private readonly meter = new CycleMeter();

  constructor(private readonly options: AgentRunnerOptions) {
    this.state = options.store.load();
    if (this.state && this.state.server !== options.server) {
      options.logger.warn({ stored: this.state.server, configured: options.server }, 'stored identity belongs to another server; registering again');
      this.state = undefined;
    }
  }

  /** Runs until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    let decision = this.options.scheduler.start(Date.now());
    this.options.logger.info({ next_send_at: new Date(decision.atMs).toISOString(), interval_s: this.options.scheduler.intervalS }, 'agent started');
    while (!signal.aborted) {
      const report = await this.act(decision, signal);
      if (!report) break;
      const next = this.options.scheduler.onOutcome(report.outcome, Date.now());
      this.options.onReport?.({ decision, report, next });
      this.logCycle(decision, report, next);
      decision = next;
    }
  }

  /** One send now (for `lanet agent --once`): registers first when needed. */
  async once(): Promise<SendReport> {
    const controller = new AbortController();
    const decision: SchedulerDecision = { atMs: Date.now(), action: 'send', reason: 'once', includeRecoveryKeys: false };
    const report = (await this.act(decision, controller.signal))!;
    this.logCycle(decision, report, undefined);
    return report;
  }

  private async act(decision: SchedulerDecision, signal: AbortSignal): Promise<SendReport | undefined> {
    if (decision.action === 'register') {
      await sleepUntil(decision.atMs, signal);
      return signal.aborted ? undefined : this.register();
    }
    const stale = this.pending && decision.atMs - this.pending.collectedAtMs > this.options.scheduler.intervalS * 1000;
    if (!this.pending || stale) {
      await sleepUntil(decision.atMs - this.leadMs, signal);
      if (signal.aborted) return undefined;
      this.meter.begin();
      const started = Date.now();
      const run = await this.options.collect();
      const tookMs = Date.now() - started;
      this.lastTimings = run.timings;
      // A shared or busy machine makes one collection slower than the last: plan for the slowest of the last five.
      this.recentCollectionMs = [...this.recentCollectionMs.slice(-4), tookMs];
      this.leadMs = Math.min(Math.max(...this.recentCollectionMs) * 1.5 + 1_000, this.options.scheduler.intervalS * 1000 * 0.8);
      this.pending = { run, timestamp: new Date(Math.max(decision.atMs, Date.now())), collectedAtMs: Date.now() };
    } else this.meter.begin();
    // Build (and validate) before the slot when the identity is known, so only the POST happens on the slot (AG-1).
    const early = this.state ? this.build(this.state, decision) : undefined;
    await sleepUntil(decision.atMs, signal);
    if (signal.aborted) return undefined;
    if (!this.state) {
      const registration = await this.register();
      if (registration.outcome.kind !== 'accepted') return registration;
    }
    const state = this.state!;
    const built = early && early.heartbeat.asset_id === state.asset_id ? early : this.build(state, decision);
    this.lastRequestAtMs = Date.now();
    const report = await sendHeartbeat(this.options.server, state.agent_token, built.heartbeat);
    // Before the meter stops, so the cycle's CPU includes the collection of its garbage (PERF-3).
    releaseCycleGarbage();
    this.meter.end(report.rawBytes, report.gzipBytes);
    if (report.outcome.kind === 'accepted' || report.outcome.kind === 'rejected') {
      if (report.outcome.kind === 'rejected')
        this.options.logger.error({ answer: report.detail }, 'heartbeat rejected; not retried, the schedule goes on (AG-4)');
      if (report.outcome.kind === 'accepted' && built.keysIncluded && built.keysFingerprint !== state.escrowed_keys_sha256) {
        this.state = { ...state, escrowed_keys_sha256: built.keysFingerprint };
        this.options.store.save(this.state);
      }
      this.pending = undefined;
    }
    return report;
  }

  private build(state: AgentState, decision: SchedulerDecision): ReturnType<typeof buildHeartbeat> {
    return buildHeartbeat(this.pending!.run, state.asset_id, {
      now: this.pending!.timestamp,
      includeRecoveryKeys: decision.includeRecoveryKeys,
      ...(state.escrowed_keys_sha256 !== undefined ? { escrowedKeysSha256: state.escrowed_keys_sha256 } : {}),
    });
  }

  private async register(): Promise<SendReport> {
    if (this.options.enrollmentSecret === undefined) {
      this.lastRequestAtMs = Date.now();
      const outcome: SendOutcome = { kind: 'unauthorized' };
      return {
        outcome,
        status: 0,
        rawBytes: 0,
        gzipBytes: 0,
        ms: 0,
        detail: 'no enrollment secret configured: set --enrollment-secret or LANET_ENROLLMENT_SECRET to register',
      };
    }
    const hardwareFingerprint = await this.options.fingerprint();
    this.lastRequestAtMs = Date.now();
    const report = await register(this.options.server, this.options.enrollmentSecret, {
      hardware_fingerprint: hardwareFingerprint,
      hostname: os.hostname(),
      agent_version: agentVersion,
      platform: `${process.platform}-${os.release()}`.slice(0, 256),
    });
    if (report.registration) {
      this.state = { server: this.options.server, asset_id: report.registration.asset_id, agent_token: report.registration.agent_token };
      this.options.store.save(this.state);
      this.options.logger.info({ asset_id: this.state.asset_id, identity_file: this.options.store.file }, 'registered');
    }
    // The hardware fingerprint's systeminformation queries leave their garbage behind (PERF-3).
    releaseCycleGarbage();
    return report;
  }

  private logCycle(decision: SchedulerDecision, report: SendReport, next: SchedulerDecision | undefined): void {
    const stats = this.meter.last();
    this.options.logger.info(
      {
        action: decision.action,
        reason: decision.reason,
        due_at: new Date(decision.atMs).toISOString(),
        late_ms: (this.lastRequestAtMs ?? Date.now() - report.ms) - decision.atMs,
        collectors_ms: Object.fromEntries(this.lastTimings.map((t) => [t.collector, t.ms])),
        bytes_raw: report.rawBytes,
        bytes_gzip: report.gzipBytes,
        answer: report.detail,
        ...stats,
        ...(next
          ? {
              next_action: next.action,
              next_reason: next.reason,
              next_send_at: new Date(next.atMs).toISOString(),
              interval_s: this.options.scheduler.intervalS,
            }
          : {}),
      },
      `${decision.action} ${report.outcome.kind}`,
    );
  }
}
