import { compareRequirementIds } from '../checks/index.js';
import type { CheckStatus, Level } from '../checks/check-types.js';
import type { CheckResult } from '../runner/run-checks.js';

/** One requirement's verdict over all of its checks. */
export interface RequirementResult {
  id: string;
  level: Level;
  status: CheckStatus;
  /** Why it failed or was skipped, or what passed; one line per check. */
  detail: string;
  checks: CheckResult[];
}

/** Folds check results by requirement ID: fail if any check failed, else pass if any passed, else skip. */
export function summarizeByRequirement(results: readonly CheckResult[]): RequirementResult[] {
  const byId = new Map<string, CheckResult[]>();
  for (const r of results) byId.set(r.check.id, [...(byId.get(r.check.id) ?? []), r]);
  return [...byId.entries()]
    .sort(([a], [b]) => compareRequirementIds(a, b))
    .map(([id, checks]) => {
      const status: CheckStatus = checks.some((c) => c.status === 'fail') ? 'fail' : checks.some((c) => c.status === 'pass') ? 'pass' : 'skip';
      const relevant = status === 'pass' ? checks : checks.filter((c) => c.status === status);
      return { id, level: checks[0]!.check.level, status, detail: relevant.map((c) => `${c.check.name}: ${c.summary}`).join('; '), checks };
    });
}

/** True when a requirement at the gating level failed (exit 1). */
export function gatingFailure(requirements: readonly RequirementResult[], failOn: 'must' | 'should'): boolean {
  return requirements.some((r) => r.status === 'fail' && (r.level === 'MUST' || failOn === 'should'));
}
