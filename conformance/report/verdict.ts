// The suite's one verdict vocabulary, shared by backend conformance (requirement-summary.ts) and agent conformance
// (agent/analyze-agent-run.ts). Kept behind this small module so it can follow the contracts' verdict type unchanged.

/** Requirement level: MUST gates by default, SHOULD only with `--fail-on should`. */
export type Level = 'MUST' | 'SHOULD';

/** Outcome of one check: it ran and passed, ran and failed, or did not run (the reason says why). */
export type CheckStatus = 'pass' | 'fail' | 'skip';

/** A requirement's verdict: 'partial' when some of its checks passed and others were skipped (never 'pass' then). */
export type RequirementStatus = CheckStatus | 'partial';

/** One requirement's verdict with the evidence a reader (or a CI) acts on. */
export interface Verdict {
  requirement: string;
  level: Level;
  status: RequirementStatus;
  evidence: string;
}

/** Rolls check statuses up: any fail fails; all pass passes; all skipped skips; passes mixed with skips are partial. */
export function rollUp(statuses: readonly CheckStatus[]): RequirementStatus {
  if (statuses.includes('fail')) return 'fail';
  if (statuses.length > 0 && statuses.every((s) => s === 'pass')) return 'pass';
  if (statuses.includes('pass')) return 'partial';
  return 'skip';
}

/** The one gating rule: a failed MUST always gates; a failed SHOULD gates only with `--fail-on should`. */
export function gates(v: Pick<Verdict, 'level' | 'status'>, failOn: 'must' | 'should'): boolean {
  return v.status === 'fail' && (v.level === 'MUST' || failOn === 'should');
}
