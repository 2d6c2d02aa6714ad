import { checkVerdict, isGating, rollUp as rollUpVerdicts, type CheckStatus, type RequirementStatus } from '../../contracts/verdict.js';
import type { Level } from '../../contracts/requirements/requirement-catalogue.js';

// The suite's verdicts are the contracts' verdict type (contracts/verdict.ts): one roll-up, one gating rule, levels
// read from the requirement catalogue. Backend conformance (requirement-summary.ts) and agent conformance
// (agent/analyze-agent-run.ts) both go through this module.

export type { CheckStatus, Level, RequirementStatus };

/** One judged check as the roll-up needs it. */
export interface JudgedCheck {
  name: string;
  status: CheckStatus;
  evidence: string;
}

/** A requirement's status over its checks: any fail fails; all pass passes; all skipped skips; passes with skips are partial. */
export function rollUp(requirement: string, checks: readonly JudgedCheck[]): RequirementStatus {
  const verdicts = checks.map((c) => checkVerdict(requirement, c.name, c.status, c.evidence || '(no detail)'));
  return rollUpVerdicts(verdicts)[0]?.status ?? 'skip';
}

/** The one gating rule: a failed MUST always gates; a failed SHOULD gates only with `--fail-on should`. */
export function gates(v: { level: Level; status: RequirementStatus | CheckStatus }, failOn: 'must' | 'should'): boolean {
  return isGating(v, failOn === 'should');
}
