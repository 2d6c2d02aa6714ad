import { compareRequirementIds } from '../checks/index.js';
import type { Level } from '../checks/check-types.js';
import type { CheckResult } from '../runner/run-checks.js';
import { gates, rollUp, type RequirementStatus } from './verdict.js';

/** One requirement's verdict over all of its checks. */
export interface RequirementResult {
  id: string;
  level: Level;
  /** 'partial' when some checks passed and others were skipped: never 'pass' over a check that did not run. */
  status: RequirementStatus;
  /** Why it failed or was skipped, or what passed; one line per check (skipped ones say why). */
  detail: string;
  checks: CheckResult[];
}

/** Folds check results by requirement ID with the one roll-up rule (verdict.ts). */
export function summarizeByRequirement(results: readonly CheckResult[]): RequirementResult[] {
  const byId = new Map<string, CheckResult[]>();
  for (const r of results) byId.set(r.check.id, [...(byId.get(r.check.id) ?? []), r]);
  return [...byId.entries()]
    .sort(([a], [b]) => compareRequirementIds(a, b))
    .map(([id, checks]) => {
      const status = rollUp(
        id,
        checks.map((c) => ({ name: c.check.name, status: c.status, evidence: c.summary })),
      );
      // A failure names the failed checks; a partial verdict leads with what did not run, so nobody reads it as a pass.
      const relevant =
        status === 'fail'
          ? checks.filter((c) => c.status === 'fail')
          : status === 'partial'
            ? [...checks.filter((c) => c.status === 'skip'), ...checks.filter((c) => c.status === 'pass')]
            : checks;
      const line = (c: CheckResult) => `${c.check.name}: ${c.status === 'skip' && status === 'partial' ? 'SKIPPED, ' : ''}${c.summary}`;
      return { id, level: checks[0]!.check.level, status, detail: relevant.map(line).join('; '), checks };
    });
}

/** True when a requirement at the gating level failed (exit 1). */
export function gatingFailure(requirements: readonly RequirementResult[], failOn: 'must' | 'should'): boolean {
  return requirements.some((r) => gates(r, failOn));
}
