/** Requirement level: a MUST failure fails the run; a SHOULD failure fails it only with --fail-on should. */
export type CheckLevel = 'must' | 'should';

/** One simulator check, named by the requirement it checks. */
export interface CheckResult {
  /** Requirement ID (HB-2, AG-1, FLT-4, PERF-1, ...). */
  id: string;
  /** What was checked, in a few words. */
  name: string;
  status: 'pass' | 'fail' | 'skip';
  level: CheckLevel;
  /** The figures behind the verdict, or why it failed or was skipped and what to do. */
  detail: string;
  /** Scenario that ran the check. */
  scenario?: string;
}

/** Builds a check result (keeps the call sites one line each). */
export function check(id: string, name: string, level: CheckLevel, ok: boolean | 'skip', detail: string): CheckResult {
  return { id, name, level, status: ok === 'skip' ? 'skip' : ok ? 'pass' : 'fail', detail };
}

/** True when a check should fail the run. */
export function isGating(result: CheckResult, failOnShould: boolean): boolean {
  return result.status === 'fail' && (result.level === 'must' || failOnShould);
}
