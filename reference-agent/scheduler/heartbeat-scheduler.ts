import { limits } from '@lanet/contracts';
import type { HeartbeatSchedulerApi, SchedulerDecision, SchedulerPolicy, SendOutcome } from './scheduler-types.js';

/**
 * The requirements' numbers: 300 s fixed rate (AG-1), 60 s ± 15 s network retry (AG-2), backoff base 60 s and
 * cap 30 min (AG-3). The start-up delay (AG-7) is uniform over one whole interval: a fleet restarting together then
 * arrives at its steady rate. It was 0.8 × the interval (1.25 × the steady rate, under AG-7's 1.5 × ceiling), but on
 * the fixed-rate grid the fleet keeps its start-up phases: every interval after that carried 1.25 × the rate for 80 %
 * of its length and nothing for the rest, and a server met that peak for as long as the fleet ran (issue 13).
 */
export const defaultPolicy: Readonly<SchedulerPolicy> = Object.freeze({
  intervalS: limits.defaultHeartbeatIntervalS,
  retryDelayS: 60,
  retryJitterS: 15,
  backoffBaseS: 60,
  backoffCapS: 30 * 60,
  startupDelayMaxS: limits.defaultHeartbeatIntervalS,
  ignoreServerInterval: false,
});

/**
 * AG-2 (2026-12-02) as a checker needs it: the allowed wait in ms after the `streak`-th failure in a row (1-based) of
 * a send that failed on the network, when no 5xx came before it in the streak. The first is the plain retry
 * (retryDelay ± jitter); from the second on, AG-3's full jitter: 0..min(cap, base x 2^(streak-1)).
 */
export function networkRetryBoundsMs(policy: SchedulerPolicy, streak: number): { lo: number; hi: number } {
  if (streak <= 1) return { lo: Math.max(0, policy.retryDelayS - policy.retryJitterS) * 1000, hi: (policy.retryDelayS + policy.retryJitterS) * 1000 };
  return { lo: 0, hi: Math.min(policy.backoffCapS, policy.backoffBaseS * 2 ** (streak - 1)) * 1000 };
}

/** Fraction of the interval used as the default AG-7 start-up spread when only the interval is given (see defaultPolicy). */
const STARTUP_SPREAD = 1;

/** Merges a partial policy over the defaults; a custom interval without a start-up delay gets a proportional one. */
export function resolvePolicy(policy: Partial<SchedulerPolicy>): SchedulerPolicy {
  const merged = { ...defaultPolicy, ...policy };
  if (policy.startupDelayMaxS === undefined && policy.intervalS !== undefined) merged.startupDelayMaxS = STARTUP_SPREAD * policy.intervalS;
  for (const [key, value] of Object.entries(merged)) {
    if (typeof value === 'number' && !(Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`Scheduler policy ${key} is ${value}: it must be a finite number of seconds >= 0.`);
    }
  }
  if (merged.intervalS <= 0) throw new RangeError(`Scheduler policy intervalS is ${merged.intervalS}: it must be > 0 seconds.`);
  return merged;
}

/**
 * Pure fixed-rate heartbeat scheduler with the agent's retry policy (AG-1..AG-4, AG-6, AG-7, HB-11, ESC-3).
 * Slot n is due at anchor + n × interval, however long collection or retries took; the anchor moves only when
 * the server steers the interval (the new grid starts at the slot just served).
 */
export class HeartbeatScheduler implements HeartbeatSchedulerApi {
  private readonly policy: SchedulerPolicy;
  private readonly random: () => number;
  private interval: number;
  private anchorMs = 0;
  private slot = 0;
  /** What the last decision asked for: the next outcome answers it. */
  private pending: SchedulerDecision['action'] = 'send';
  /**
   * The AG-3 backoff exponent: consecutive failures (5xx/429/503, network, timeout) since the last answer. Zero means
   * no failure yet, so a network failure gets AG-2's plain 60 s retry, which stands in for step 0 of the backoff.
   */
  private backoffStep = 0;
  /** Consecutive 401s (from sends or registrations): a second one in a row backs off instead of looping. */
  private unauthorized = 0;
  /** ESC-3: the server asked for the recovery keys and has not yet accepted a send that carried them. */
  private escrowAsked = false;
  private lastIncludedKeys = false;

  constructor(policy: Partial<SchedulerPolicy>, random: () => number) {
    this.policy = resolvePolicy(policy);
    this.random = random;
    this.interval = this.policy.intervalS;
  }

  /** The current interval in seconds (after any HB-11 steering). */
  get intervalS(): number {
    return this.interval;
  }

  /** Start-up: slot 0 waits a uniform random delay in 0..startupDelayMaxS (AG-7), then the grid starts there (AG-1). */
  start(nowMs: number): SchedulerDecision {
    this.anchorMs = nowMs + this.random() * this.policy.startupDelayMaxS * 1000;
    this.slot = 0;
    this.pending = 'send';
    this.backoffStep = 0;
    this.unauthorized = 0;
    return this.decide(this.anchorMs, 'send', 'startup');
  }

  /** Takes the outcome of the send or registration just made and returns the next decision. */
  onOutcome(outcome: SendOutcome, nowMs: number): SchedulerDecision {
    switch (outcome.kind) {
      case 'accepted':
        return this.onAccepted(outcome, nowMs);
      case 'rejected':
        // AG-4: a 400 (or another 4xx) is not retried in a loop; the caller logs the errors, the grid goes on.
        this.backoffStep = 0;
        this.unauthorized = 0;
        return this.decide(this.nextSlotAfter(nowMs), this.pending, 'after-reject');
      case 'unauthorized':
        return this.onUnauthorized(nowMs);
      case 'network-error':
      case 'timeout':
        return this.onNetworkFailure(outcome.kind, nowMs);
      case 'server-error':
        return this.decide(nowMs + this.backoffS(outcome.retryAfterS) * 1000, this.pending, 'backoff');
    }
  }

  private onAccepted(outcome: Extract<SendOutcome, { kind: 'accepted' }>, nowMs: number): SchedulerDecision {
    const wasRegistration = this.pending === 'register';
    this.backoffStep = 0;
    if (!wasRegistration) this.unauthorized = 0;
    if (outcome.nextHeartbeatInS !== undefined && !this.policy.ignoreServerInterval) this.steer(outcome.nextHeartbeatInS, nowMs);
    if (!wasRegistration) {
      // ESC-3: an ask is satisfied once a send that carried the keys is accepted without a new ask.
      if (outcome.escrowRequired === true) this.escrowAsked = true;
      else if (this.lastIncludedKeys) this.escrowAsked = false;
    }
    // AG-6: after re-enrolment the heartbeat that got the 401 goes again at once with the new token.
    if (wasRegistration) return this.decide(nowMs, 'send', 'after-reenroll');
    return this.decide(this.nextSlotAfter(nowMs), 'send', 'schedule');
  }

  /**
   * AG-2 (2026-12-02): the first network failure or timeout is retried after 60 s ± jitter; if that retry fails too,
   * later retries back off as in AG-3 (full jitter, exponent from 1 on), so a fleet back from a long outage does not
   * arrive at once (AG-7). The same action is retried until one succeeds; then the grid resumes.
   */
  private onNetworkFailure(kind: 'network-error' | 'timeout', nowMs: number): SchedulerDecision {
    if (this.backoffStep > 0)
      return this.decide(nowMs + this.backoffS(undefined) * 1000, this.pending, `backoff-${kind === 'timeout' ? 'timeout' : 'network'}`);
    this.backoffStep = 1;
    const jitter = (this.random() * 2 - 1) * this.policy.retryJitterS;
    const delayS = Math.max(0, this.policy.retryDelayS + jitter);
    return this.decide(nowMs + delayS * 1000, this.pending, kind === 'timeout' ? 'retry-timeout' : 'retry-network');
  }

  private onUnauthorized(nowMs: number): SchedulerDecision {
    this.unauthorized += 1;
    // AG-6: the first 401 registers again at once; a 401 right after re-enrolment (wrong secret, revoked machine)
    // backs off like a server error so the agent never loops between register and send.
    if (this.unauthorized === 1) return this.decide(nowMs, 'register', 'reenroll');
    return this.decide(nowMs + this.backoffS(undefined) * 1000, 'register', 'reenroll-backoff');
  }

  /** HB-11: the server's interval, clamped to 60..3600 s; the grid restarts at the slot just served. */
  private steer(requestedS: number, nowMs: number): void {
    if (!Number.isFinite(requestedS)) return;
    const next = Math.min(limits.maxHeartbeatIntervalS, Math.max(limits.minHeartbeatIntervalS, requestedS));
    if (next === this.interval) return;
    const servedSlotMs = Math.min(this.slotMs(this.slot), nowMs);
    this.anchorMs = servedSlotMs;
    this.slot = 0;
    this.interval = next;
  }

  /** AG-3: full jitter, uniform in 0..min(cap, base × 2^n), with Retry-After as a minimum. */
  private backoffS(retryAfterS: number | undefined): number {
    const ceiling = Math.min(this.policy.backoffCapS, this.policy.backoffBaseS * 2 ** this.backoffStep);
    this.backoffStep += 1;
    const jittered = this.random() * ceiling;
    return retryAfterS !== undefined && Number.isFinite(retryAfterS) ? Math.max(jittered, retryAfterS) : jittered;
  }

  private slotMs(n: number): number {
    return this.anchorMs + n * this.interval * 1000;
  }

  /** The first grid slot strictly after `nowMs`: late sends and retries never shift the grid (AG-1). */
  private nextSlotAfter(nowMs: number): number {
    const ahead = Math.floor((nowMs - this.anchorMs) / (this.interval * 1000)) + 1;
    this.slot = Math.max(0, ahead);
    if (this.slotMs(this.slot) <= nowMs) this.slot += 1; // guards floating-point rounding at an exact boundary
    return this.slotMs(this.slot);
  }

  private decide(atMs: number, action: SchedulerDecision['action'], reason: string): SchedulerDecision {
    this.pending = action;
    this.lastIncludedKeys = action === 'send' && this.escrowAsked;
    return { atMs, action, reason, includeRecoveryKeys: this.lastIncludedKeys };
  }
}
