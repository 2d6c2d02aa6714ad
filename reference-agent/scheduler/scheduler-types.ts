/**
 * Types of the reference agent's pure scheduler and retry policy. The scheduler does no I/O and reads no clock:
 * the caller passes `nowMs` from its own clock (real, fake timers, or the simulator's virtual clock) and a
 * `random()` source, and gets back when to act next. The simulator runs this same code for every virtual agent.
 */

/** What happened to one send, as the transport classifies it. */
export type SendOutcome =
  /** 200: HB-11 lets the server steer the interval; ESC-3 lets it ask for the recovery key. */
  | { kind: 'accepted'; nextHeartbeatInS?: number; escrowRequired?: boolean }
  /** 400 and other 4xx except 401/429: logged, never retried in a loop (AG-4). */
  | { kind: 'rejected'; status: number }
  /** 401: register again with the enrollment secret (AG-6). */
  | { kind: 'unauthorized' }
  /** Connection refused/reset, DNS failure: retry after 60 s with jitter, then AG-3's backoff if that fails too (AG-2). */
  | { kind: 'network-error' }
  /** No answer within the 15 s timeout: treated as a network failure (AG-2). */
  | { kind: 'timeout' }
  /** 5xx, 503, 429: exponential backoff with full jitter, Retry-After as a minimum (AG-3). */
  | { kind: 'server-error'; status: number; retryAfterS?: number };

/** The policy numbers; all in seconds. Defaults come from the requirements. */
export interface SchedulerPolicy {
  /** AG-1: fixed-rate interval, 300 s unless the server steers it (HB-11, clamped to 60..3600). */
  intervalS: number;
  /** AG-2: delay before retrying a network failure or timeout. */
  retryDelayS: number;
  /** AG-2: the retry delay is spread by up to ± this much. */
  retryJitterS: number;
  /** AG-3: exponential backoff base and cap (full jitter: uniform in 0..min(cap, base*2^n)). */
  backoffBaseS: number;
  backoffCapS: number;
  /** AG-7: the first send waits a uniform random delay in 0..startupDelayMaxS. */
  startupDelayMaxS: number;
  /** Development only: keep `intervalS` and ignore the server's HB-11 steering (lets tests run below HB-11's 60 s floor). */
  ignoreServerInterval?: boolean;
}

/** What the caller should do next, and when (on the caller's clock). */
export interface SchedulerDecision {
  atMs: number;
  /** `register` after a 401 (AG-6); the caller then reports the registration as a send outcome too. */
  action: 'send' | 'register';
  /** Why: 'startup', 'schedule', 'retry-network', 'backoff', 'backoff-network', 'after-reject', 'reenroll', ... (for logs and reports). */
  reason: string;
  /** ESC-3: include recovery keys in this send (changed keys are the caller's to detect; this carries the server's ask). */
  includeRecoveryKeys: boolean;
}

/** The scheduler contract the reference agent implements and the simulator drives. */
export interface HeartbeatSchedulerApi {
  /** The first decision at start-up (AG-7 random delay, then AG-1's slot 0). */
  start(nowMs: number): SchedulerDecision;
  /** Reports the outcome of the send (or registration) just made and returns the next decision. */
  onOutcome(outcome: SendOutcome, nowMs: number): SchedulerDecision;
  /** The current interval in seconds (after any HB-11 steering). */
  readonly intervalS: number;
}
