import type { SchedulerDecision } from '@lanet/reference-agent/scheduler/scheduler-types';
import { resolvePolicy } from '@lanet/reference-agent/scheduler/heartbeat-scheduler';
import { AttemptStats } from '../checks/attempt-stats.js';
import { ValidationTally } from '../checks/validation-tally.js';
import { RunMetrics, percentileUs } from '../metrics/run-metrics.js';
import { TargetClient } from '../transport/target-client.js';
import type { SendResult } from '../transport/send-result.js';
import { agentWire, encodeBody, idempotencyKey, sendRecoveryKeys } from '@lanet/reference-agent/wire/heartbeat-wire';
import { agentTimestamp, timestampMs } from './agent-clock.js';
import { DueHeap } from './due-heap.js';
import { SendQueue } from './send-queue.js';
import type { FleetRunConfig } from './run-config.js';
import { VirtualClock } from './virtual-clock.js';
import { registerAll, type RegisteredAgent, type VirtualAgent } from './virtual-agent.js';

export type { VirtualAgent } from './virtual-agent.js';

/** The agent's 15 s timeout (GEN-8, AG-2) is real: the target's answer time does not scale. */
const AGENT_TIMEOUT_MS = 15_000;

/**
 * Sends in flight per keep-alive connection. Past `connections x 2` a due send waits in a SendQueue (two numbers) and
 * builds its body only when it leaves: a target that falls behind made the HTTP pool hold ~2,000 queued requests with
 * their gzip bodies and closures for seconds, and the simulator grew to 350-557 MB (issue 13). Two per connection
 * keep each connection's next request gzipped and ready; latency still counts from the scheduled time, the wait is
 * schedule lag.
 */
const IN_FLIGHT_PER_CONNECTION = 2;

/** What a finished fleet run hands to the checks and the report. */
export interface FleetRunResult {
  agents: VirtualAgent[];
  metrics: RunMetrics;
  /** Timing figures folded in per send (AG-1, AG-2, AG-3, AG-7): O(agents), never a row per send. */
  stats: AttemptStats;
  /** HB-2 / HB-3 counters and a few examples. */
  tally: ValidationTally;
  clock: VirtualClock;
  /** Virtual ms at which the load stopped. */
  endVirtualMs: number;
  registrationMs: number;
  /** Valid beats not delivered by the end, with the virtual ms they were first sent. */
  undelivered: Array<{ agent: number; sinceMs: number }>;
}

/**
 * Runs a fleet of virtual agents against one target: registers them, then drives every agent's scheduler on the
 * virtual clock from one min-heap and one timer, sending open-model (a slow answer never delays another send).
 */
export async function runFleet(config: FleetRunConfig): Promise<FleetRunResult> {
  const client = new TargetClient(config.sendUrl, { connections: config.connections, timeoutMs: AGENT_TIMEOUT_MS });
  try {
    const regStart = performance.now();
    const agents = await registerAll(client, config);
    const registrationMs = performance.now() - regStart;
    return await new FleetLoop(config, client, agents, registrationMs).run();
  } finally {
    await client.close();
  }
}

/** The loop itself: one timer for the earliest due agent, never one per agent. */
class FleetLoop {
  private readonly heap = new DueHeap();
  /** Due sends waiting for a slot in the in-flight window, oldest first. */
  private readonly waiting = new SendQueue();
  /** Sends and re-registrations in flight (the window bounds them). */
  private active = 0;
  private readonly window: number;
  /** Set once the drain is over: nothing more may leave (the pool is closing). */
  private closed = false;
  private readonly metrics = new RunMetrics();
  private readonly stats: AttemptStats;
  private readonly tally = new ValidationTally();
  private readonly agents: VirtualAgent[];
  private clock!: VirtualClock;
  private timer: NodeJS.Timeout | undefined;
  /** Real elapsed ms the armed timer fires at, so a send scheduled earlier (an answer just came in) can re-arm it. */
  private timerAtRealMs = Infinity;
  private endVirtualMs = 0;
  private ended = false;
  private restarted = false;
  private startWallMs = 0;
  private finish!: () => void;

  constructor(
    private readonly config: FleetRunConfig,
    private readonly client: TargetClient,
    registered: RegisteredAgent[],
    private readonly registrationMs: number,
  ) {
    const replay = config.replay;
    this.agents = registered.map((a) => ({
      ...a,
      scheduler: replay ? replay.createSchedule(a.identity.index) : config.createScheduler(a.random),
      next: undefined as never,
      dueMs: 0,
    }));
    this.window = config.maxInFlight ?? Math.max(1, config.connections * IN_FLIGHT_PER_CONNECTION);
    this.stats = config.createStats?.(this.agents.length) ?? new AttemptStats(this.agents.length, { policy: resolvePolicy({ intervalS: config.intervalS }) });
  }

  async run(): Promise<FleetRunResult> {
    this.clock = new VirtualClock(this.config.timeScale);
    this.startWallMs = Date.now();
    this.endVirtualMs = this.config.durationS * 1000 * this.config.timeScale;
    this.config.onStart?.(this.clock, this.startWallMs);
    this.agents.forEach((agent, i) => this.schedule(i, agent.scheduler.start(0)));
    const progress = setInterval(() => this.printProgress(), 1000);
    progress.unref();
    await new Promise<void>((resolve) => {
      this.finish = resolve;
      this.tick();
    });
    clearInterval(progress);
    await this.drain();
    this.printProgress();
    const undelivered = this.agents
      .filter((a) => a.pendingBody !== undefined && a.pendingInvalid === undefined && !a.stopped)
      .map((a) => ({ agent: a.identity.index, sinceMs: a.pendingSinceMs }));
    return {
      agents: this.agents,
      metrics: this.metrics,
      stats: this.stats,
      tally: this.tally,
      clock: this.clock,
      endVirtualMs: this.endVirtualMs,
      registrationMs: this.registrationMs,
      undelivered,
    };
  }

  private schedule(i: number, scheduled: SchedulerDecision): void {
    const agent = this.agents[i]!;
    const jitter = scheduled.reason === 'schedule' ? this.config.hooks?.jitterMs?.(agent.identity.index) : undefined;
    const decision = jitter ? { ...scheduled, atMs: scheduled.atMs + jitter } : scheduled;
    agent.next = decision;
    agent.dueMs = decision.atMs;
    this.heap.push(decision.atMs, i);
    // With every agent in flight the loop sleeps up to 100 ms; a send now due sooner must not wait for that timer.
    if (this.timer !== undefined && decision.atMs / this.config.timeScale < this.timerAtRealMs)
      this.arm(decision.atMs / this.config.timeScale - this.clock.realElapsedMs());
  }

  /** Arms the single loop timer `waitMs` from now, replacing any armed one. */
  private arm(waitMs: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    const wait = Math.max(0, waitMs);
    this.timerAtRealMs = this.clock.realElapsedMs() + wait;
    this.timer = setTimeout(this.tick, wait);
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    this.timerAtRealMs = Infinity;
    const realNow = this.clock.realElapsedMs();
    const vNow = realNow * this.config.timeScale;
    const hooks = this.config.hooks;
    hooks?.onTick?.(vNow);
    if (hooks?.restartAt !== undefined && !this.restarted && vNow >= hooks.restartAt) this.restartAll(vNow);
    if (vNow >= this.endVirtualMs) {
      this.ended = true;
      this.finish();
      return;
    }
    for (let t = this.heap.peekTime(); t !== undefined && t <= vNow; t = this.heap.peekTime()) {
      const i = this.heap.pop()!;
      const agent = this.agents[i]!;
      if (agent.dueMs !== t || agent.stopped) continue; // stale entry after a restart, or a stopped agent
      if (this.active >= this.window) this.waiting.push(i, t);
      else this.fire(i, agent, realNow, vNow);
    }
    const nextDue = this.heap.peekTime();
    this.arm(nextDue === undefined ? 100 : Math.min(100, nextDue / this.config.timeScale - this.clock.realElapsedMs()));
  };

  /** AG-7 restart-herd: every agent's service restarts at once; the scheduler spreads the first sends. */
  private restartAll(vNow: number): void {
    this.restarted = true;
    this.agents.forEach((agent, i) => {
      if (agent.stopped) return;
      agent.scheduler = this.config.createScheduler(agent.random);
      agent.generation++;
      agent.pendingBody = undefined;
      agent.pendingInvalid = undefined;
      agent.pendingTimestamp = undefined;
      this.schedule(i, agent.scheduler.start(vNow));
    });
  }

  private fire(i: number, agent: VirtualAgent, realNow: number, vNow: number): void {
    const stopAt = this.config.hooks?.stopAt?.(agent.identity.index);
    // The service stops at stopAt: a send scheduled before it still goes, however long it waited for the window
    // (judged on the send time, a fleet behind schedule lost its stopped agents' last beats and FLT-2 had none to judge).
    if (stopAt !== undefined && agent.next.atMs >= stopAt) {
      agent.stopped = true;
      return;
    }
    const decision = agent.next;
    this.active++;
    if (decision.action === 'register') {
      void this.reenroll(i, agent);
      return;
    }
    if (agent.pendingBody === undefined) this.newBeat(agent, decision, vNow);
    const scheduledReal = decision.atMs / this.config.timeScale;
    this.metrics.recordSend(realNow, realNow - scheduledReal);
    this.stats.onSend(i, decision.atMs, vNow, decision.reason, agent.scheduler.intervalS);
    const sent: SentBeat = {
      body: agent.pendingBody!,
      key: agent.pendingKey,
      keys: agent.pendingKeys,
      timestamp: agent.pendingTimestamp,
      invalid: agent.pendingInvalid,
      scheduledMs: decision.atMs,
      sentMs: vNow,
      scheduledReal,
      generation: agent.generation,
    };
    this.client.heartbeat(agent.token, sent.body, sent.key, this.config.wire).then(
      (result) => this.onResult(i, agent, result, sent),
      (err: unknown) => this.onResult(i, agent, { outcome: { kind: 'network-error' }, status: 0, errorKind: String(err) }, sent),
    );
  }

  /** A new slot: drift the inventory and build this beat's body (or an injected invalid one). */
  private newBeat(agent: VirtualAgent, decision: SchedulerDecision, vNow: number): void {
    agent.beat++;
    const replay = this.config.replay;
    if (replay) {
      const played = replay.beat(agent.identity.index, agent.beat, agent.assetId, this.startWallMs - replay.recordedStartWallMs);
      agent.pendingBody = encodeBody(played?.body ?? '{}', this.config.wire);
      agent.pendingInvalid = played?.event.invalid;
      agent.pendingTimestamp = played?.event.timestamp;
      agent.pendingKey = idempotencyKey(agent.assetId, played?.event.timestamp ?? `beat-${agent.beat}`);
      agent.pendingKeys = false;
      agent.pendingSinceMs = vNow;
      if (played && Number.isNaN(agent.firstBeatMs)) agent.firstBeatMs = timestampMs(played.event.timestamp);
      if (played) this.config.onBeat?.(played.event);
      return;
    }
    const restChanged = agent.template.drift(agent.random);
    const hooks = this.config.hooks;
    const timestamp = agentTimestamp(Date.now(), hooks?.clockOf?.(agent.identity.index));
    const invalid = hooks?.invalidBeat?.(agent.identity.index, agent.beat, agent.assetId);
    // ESC-3, as the reference agent decides: keys go when the scheduler says the server asked, or until escrowed.
    const keys = sendRecoveryKeys({
      haveKeys: agent.template.hasRecoveryKeys,
      changedSinceEscrow: !agent.keysEscrowed,
      serverAsked: decision.includeRecoveryKeys,
    });
    const rest = agent.template.restFor(keys);
    const restUsedChanged = rest !== agent.lastRest;
    agent.lastRest = rest;
    agent.pendingInvalid = invalid;
    agent.pendingBody = invalid ? encodeBody(invalid.body, this.config.wire) : agent.template.wireBody(timestamp, keys, this.config.wire ?? agentWire);
    agent.pendingTimestamp = invalid ? undefined : timestamp;
    agent.pendingKey = idempotencyKey(agent.assetId, timestamp);
    agent.pendingKeys = !invalid && keys;
    agent.pendingSinceMs = vNow;
    if (Number.isNaN(agent.firstBeatMs)) agent.firstBeatMs = timestampMs(timestamp);
    this.config.onBeat?.({
      agent: agent.identity.index,
      beat: agent.beat,
      atMs: decision.atMs,
      reason: decision.reason,
      timestamp,
      status: agent.template.currentStatus,
      ...(restChanged || restUsedChanged || agent.beat === 1 ? { rest } : {}),
      heartbeatType: agent.template.heartbeatType,
      ...(invalid ? { invalid } : {}),
      assetId: agent.assetId,
    });
  }

  /** A send or registration ended: its window slot goes to the agents waiting longest (each keeps its scheduled time). */
  private release(): void {
    this.active--;
    while (!this.closed && this.active < this.window) {
      const next = this.waiting.shift();
      if (next === undefined) return;
      const agent = this.agents[next.agent]!;
      if (agent.dueMs !== next.dueMs || agent.stopped) continue; // restarted or stopped while it waited
      const realNow = this.clock.realElapsedMs();
      this.fire(next.agent, agent, realNow, realNow * this.config.timeScale);
    }
  }

  private onResult(i: number, agent: VirtualAgent, result: SendResult, sent: SentBeat): void {
    this.release();
    const realNow = this.clock.realElapsedMs();
    const vNow = realNow * this.config.timeScale;
    const kind = result.outcome.kind;
    const cls = kind === 'accepted' ? 'accepted' : kind === 'rejected' || kind === 'unauthorized' ? 'rejected' : 'error';
    // The start-up window: the first interval, over which AG-7 spreads every agent's first beat (PERF-1 reports both).
    const afterStartUp = sent.scheduledMs >= this.config.intervalS * 1000;
    this.metrics.recordDone(realNow, realNow - sent.scheduledReal, cls, result.errorKind, afterStartUp);
    this.stats.onDone(i, sent.scheduledMs, sent.sentMs, vNow, kind, this.config.timeScale);
    if (result.contractViolation) this.tally.contractViolations++;
    const paths = result.fieldErrors?.map((e) => e.path) ?? [];
    if (sent.invalid && (kind === 'accepted' || kind === 'rejected'))
      this.tally.onInvalidAnswer(sent.invalid.pointer, sent.invalid.label, result.status, paths);
    else if (kind === 'rejected') this.tally.onValidRejected(result.status, paths);
    // FLT-4: the accepted beat joins the agent's digest (its timestamp is unique per beat); nothing per beat is kept.
    if (kind === 'accepted' && !sent.invalid && sent.timestamp !== undefined) agent.accepted.add(sent.timestamp);
    if (kind === 'accepted' && sent.keys) agent.keysEscrowed = true; // ESC-3: the server holds these keys now
    if (sent.generation !== agent.generation) return; // the agent restarted meanwhile (restart-herd)
    // A 200 or a 4xx ends this beat (AG-4: a 400 is not retried); failures keep it for the retry (AG-2, AG-3).
    // A replay is open loop: each recorded beat is sent once, at its recorded time.
    if (kind === 'accepted' || kind === 'rejected' || this.config.replay) {
      agent.pendingBody = undefined;
      agent.pendingInvalid = undefined;
      agent.pendingTimestamp = undefined;
    }
    if (this.ended || agent.stopped) return;
    this.schedule(i, agent.scheduler.onOutcome(result.outcome, vNow));
  }

  /** AG-6: a 401 makes the agent register again; the registration's result goes back to the scheduler. */
  private async reenroll(i: number, agent: VirtualAgent): Promise<void> {
    let outcome: SendResult['outcome'];
    try {
      const reg = await this.client.register(
        this.config.enrollmentSecret,
        { hardware_fingerprint: agent.identity.hardwareFingerprint, hostname: agent.identity.hostname, agent_version: 'lanet-simulator' },
        this.config.wire,
      );
      agent.token = reg.agent_token;
      outcome = { kind: 'accepted' };
    } catch {
      this.metrics.countError('register-failed');
      outcome = { kind: 'network-error' };
    }
    this.release();
    if (!this.ended && !agent.stopped) this.schedule(i, agent.scheduler.onOutcome(outcome, this.clock.nowMs()));
  }

  /**
   * Waits for in-flight sends, and sends still waiting for the window (they were due before the end), so every
   * answer is counted; bounded by the agent timeout.
   */
  private async drain(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    const deadline = performance.now() + AGENT_TIMEOUT_MS + 1000;
    while ((this.active > 0 || this.waiting.size > 0) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.closed = true;
  }

  private printProgress(): void {
    if (!this.config.progress) return;
    const m = this.metrics;
    const elapsedS = this.clock.realElapsedMs() / 1000;
    const last = m.lastClosed;
    const p99 = m.latencyUs.totalCount ? (percentileUs(m.latencyUs, 99) / 1000).toFixed(1) : '-';
    const lag = m.lagUs.totalCount ? (percentileUs(m.lagUs, 99) / 1000).toFixed(1) : '-';
    const up = this.agents.length - this.agents.filter((a) => a.stopped).length;
    this.config.progress(
      `[${elapsedS.toFixed(0).padStart(4)}s] agents up ${up}  sends/s ${last?.sent ?? 0}  ok ${m.accepted}  rejected ${m.rejected}  errors ${m.errors}  p99 ${p99} ms  lag p99 ${lag} ms  in flight ${m.inFlight}  waiting ${this.waiting.size}  rss ${Math.round(process.memoryUsage.rss() / 1048576)} MB`,
    );
  }
}

/** One send in flight: what its answer is judged against (a retry or a restart may change the agent meanwhile). */
interface SentBeat {
  /** The request body as sent (gzip unless --no-gzip), resent unchanged on a retry. */
  body: Uint8Array;
  /** HB-7's Idempotency-Key: the same on every retry of the beat, as the reference agent sends it. */
  key: string;
  /** ESC-3: the body carried the recovery keys. */
  keys: boolean;
  /** The agent timestamp of a valid beat (FLT-4); undefined for an injected invalid one. */
  timestamp: string | undefined;
  invalid: VirtualAgent['pendingInvalid'];
  scheduledMs: number;
  sentMs: number;
  scheduledReal: number;
  generation: number;
}
