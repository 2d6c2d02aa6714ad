/** Examples kept per kind of wrong answer: enough to act on, bounded however long the run. */
const EXAMPLES = 5;

/**
 * What HB-2 and HB-3 need, counted while the run goes on: counters and a few examples, never a record per answer
 * (a long invalid-mix run would otherwise keep one per injected payload).
 */
export class ValidationTally {
  /** Valid heartbeats answered with a 4xx other than 401 (HB-2 broken). */
  validRejected = 0;
  readonly rejectedExamples: string[] = [];
  /** Answers outside the contract: a 200 that is not a HeartbeatResponse, a 400 without `errors` (HB-1, HB-3). */
  contractViolations = 0;
  /** Injected invalid payloads that got an answer (HB-3). */
  invalidTotal = 0;
  /** ... of which got 400 naming the mutation's pointer (or a pointer below it). */
  invalidOk = 0;
  readonly invalidBad: string[] = [];

  /** A valid heartbeat was refused with `status`, the target naming `paths`. */
  onValidRejected(status: number, paths: readonly string[]): void {
    this.validRejected++;
    if (this.rejectedExamples.length < EXAMPLES) this.rejectedExamples.push(`${status} ${paths.join(',')}`);
  }

  /** An injected invalid heartbeat (breaking one rule at `pointer`) got `status` naming `paths`. */
  onInvalidAnswer(pointer: string, label: string, status: number, paths: readonly string[]): void {
    this.invalidTotal++;
    const pointed = paths.some((p) => p === pointer || p.startsWith(`${pointer}/`));
    if (status === 400 && pointed) this.invalidOk++;
    else if (this.invalidBad.length < EXAMPLES) this.invalidBad.push(`${label} (expected 400 at ${pointer}, got ${status} at [${paths.join(', ')}])`);
  }
}
