// The fault schedule `lanet mock --fault` replays, like the MSW handlers' `fail()`: each step applies to the next
// heartbeat calls in order, so an agent developer sees the agent's retry policy at work (AG-2, AG-3, AG-6).

/** One step of the schedule. `times` is how many heartbeat calls it takes (an outage counts time instead). */
export type FaultStep =
  /** Answer normally: places the faults after it later in the run. */
  | { kind: 'pass'; times: number }
  /** Cut the connection without an answer (a network failure, AG-2). */
  | { kind: 'reset'; times: number }
  /** Every request (registration too) is cut for `ms` from the first heartbeat call that meets this step (AG-2). */
  | { kind: 'outage'; ms: number }
  /** Answer `status` (5xx or 429, with Retry-After when given: AG-3; 400/403/...: AG-4). */
  | { kind: 'status'; status: number; retryAfterS?: number; times: number }
  /** 401: the agent must register again (AG-6). */
  | { kind: 'unauthorized'; times: number }
  /** Answer after `ms` (past the agent's 15 s timeout it never sees the answer, AG-2). */
  | { kind: 'slow'; ms: number; times: number };

/** What the mock does with one request. */
export type FaultAction =
  | { kind: 'none' }
  | { kind: 'reset' }
  | { kind: 'status'; status: number; retryAfterS?: number }
  | { kind: 'unauthorized' }
  | { kind: 'slow'; ms: number };

/** "30s", "2m", "500ms", "20" (seconds) to milliseconds; throws a message that says what is accepted. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new Error(`'${text}' is not a duration: write 500ms, 20s or 2m.`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
}

/**
 * Parses one step: `ok[xN]`, `reset[xN]`, `outage=30s`, `503[xN][:retry-after=S]` (any 4xx/5xx), `401[xN]`,
 * `slow=20s[xN]`. Throws a message naming the step and the accepted forms.
 */
export function parseFaultStep(text: string): FaultStep {
  const help = `Fault steps are ok, reset, outage=30s, 503:retry-after=60, 500, 429, 401, slow=20s; add xN to repeat (503x3).`;
  const m = /^([a-z]+|\d{3})(?:=([0-9.]+(?:ms|s|m)?))?(?:x(\d+))?(?::retry-after=(\d+))?$/.exec(text.trim().toLowerCase());
  if (!m) throw new Error(`'${text}' is not a fault step. ${help}`);
  const [, name, arg, n, retryAfter] = m;
  const times = n === undefined ? 1 : Number(n);
  if (times < 1) throw new Error(`'${text}': the repeat count must be 1 or more.`);
  if (/^\d{3}$/.test(name!)) {
    const status = Number(name);
    if (status < 400 || status > 599) throw new Error(`'${text}': a status step must be 400..599. ${help}`);
    if (status === 401) return { kind: 'unauthorized', times };
    return { kind: 'status', status, times, ...(retryAfter !== undefined ? { retryAfterS: Number(retryAfter) } : {}) };
  }
  if (retryAfter !== undefined) throw new Error(`'${text}': retry-after goes with a status step (503:retry-after=60). ${help}`);
  if (name === 'ok' && arg === undefined) return { kind: 'pass', times };
  if (name === 'reset' && arg === undefined) return { kind: 'reset', times };
  if (name === 'outage' && arg !== undefined && n === undefined) return { kind: 'outage', ms: parseDuration(arg) };
  if (name === 'slow' && arg !== undefined) return { kind: 'slow', ms: parseDuration(arg), times };
  throw new Error(`'${text}' is not a fault step. ${help}`);
}

/** Parses comma lists of steps (`--fault ok,503x2:retry-after=5,outage=30s`, repeatable). */
export function parseFaultSchedule(texts: readonly string[]): FaultStep[] {
  return texts
    .flatMap((t) => t.split(','))
    .filter((t) => t.trim() !== '')
    .map(parseFaultStep);
}

/** Replays a fault schedule: `next()` for each heartbeat call, `duringOutage()` for every other request. */
export class FaultSchedule {
  private readonly steps: FaultStep[];
  private outageUntilMs = 0;

  constructor(
    steps: readonly FaultStep[],
    private readonly now: () => number = Date.now,
  ) {
    this.steps = steps.map((s) => ({ ...s }));
  }

  /** Adds steps at the end (the programmatic twin of `--fault`). */
  push(...steps: FaultStep[]): void {
    this.steps.push(...steps.map((s) => ({ ...s })));
  }

  /** True while an outage step is running: every request is cut. */
  duringOutage(): boolean {
    return this.now() < this.outageUntilMs;
  }

  /** Steps not yet used (an outage counts until it ends). */
  get remaining(): number {
    return this.steps.length + (this.duringOutage() ? 1 : 0);
  }

  /** The action for the next heartbeat call; the schedule moves on. */
  next(): FaultAction {
    if (this.duringOutage()) return { kind: 'reset' };
    const step = this.steps[0];
    if (step === undefined) return { kind: 'none' };
    if (step.kind === 'outage') {
      this.steps.shift();
      this.outageUntilMs = this.now() + step.ms;
      return { kind: 'reset' };
    }
    step.times -= 1;
    if (step.times <= 0) this.steps.shift();
    switch (step.kind) {
      case 'pass':
        return { kind: 'none' };
      case 'reset':
        return { kind: 'reset' };
      case 'unauthorized':
        return { kind: 'unauthorized' };
      case 'slow':
        return { kind: 'slow', ms: step.ms };
      case 'status':
        return { kind: 'status', status: step.status, ...(step.retryAfterS !== undefined ? { retryAfterS: step.retryAfterS } : {}) };
    }
  }
}
