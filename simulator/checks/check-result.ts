import { checkVerdict, type CheckVerdict } from '@lanet/contracts';

/**
 * One simulator check: the kit's one verdict type (contracts/verdict.ts: requirement, level from the requirement
 * catalogue, check, status, evidence) plus the scenario that ran it. Requirements roll up with `rollUp`, where a
 * requirement with a skipped check is 'partial', never 'pass'.
 */
export interface CheckResult extends CheckVerdict {
  /** Scenario that ran the check. */
  scenario?: string;
}

/** Builds a check result (keeps the call sites one line each); `'skip'` needs the reason as evidence. */
export function check(requirement: string, name: string, ok: boolean | 'skip', evidence: string): CheckResult {
  return checkVerdict(requirement, name, ok === 'skip' ? 'skip' : ok ? 'pass' : 'fail', evidence);
}
