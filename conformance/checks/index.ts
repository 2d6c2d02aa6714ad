import { authChecks } from './auth-checks.js';
import type { Check, Profile } from './check-types.js';
import { escrowChecks } from './escrow-checks.js';
import { fleetChecks } from './fleet-checks.js';
import { genBodyLimitChecks } from './gen-body-limit-checks.js';
import { genChecks } from './gen-checks.js';
import { genFuzzCheck } from './gen-fuzz-check.js';
import { genResponseTimeMonitor, genSlowClientCheck } from './gen-slow-client-check.js';
import { hbChecks } from './hb-checks.js';
import { hbPropertyChecks } from './hb-property-checks.js';
import { offlineCheck } from './offline-check.js';
import { fleetPagingCheck } from './fleet-paging-check.js';
import { loadChecks } from './load-checks.js';
import { spellingChecks } from './spelling-checks.js';

/** Every check, slow ones first so they overlap the rest; monitors (phase 'after') read the whole run at the end. */
export const allChecks: readonly Check[] = [
  genSlowClientCheck,
  offlineCheck,
  ...hbPropertyChecks,
  ...genChecks,
  ...genBodyLimitChecks,
  genFuzzCheck,
  genResponseTimeMonitor,
  ...hbChecks,
  ...loadChecks,
  ...authChecks,
  ...fleetChecks,
  fleetPagingCheck,
  ...escrowChecks,
  ...spellingChecks,
];

/** Requirement order for reports: GEN, HB, REG, AUTH, FLT, ESC, each by number. */
export function compareRequirementIds(a: string, b: string): number {
  const order = ['GEN', 'HB', 'REG', 'AUTH', 'FLT', 'ESC', 'AG'];
  const [pa, na] = a.split('-');
  const [pb, nb] = b.split('-');
  return order.indexOf(pa!) - order.indexOf(pb!) || Number(na) - Number(nb);
}

/** True when `pattern` (an ID such as HB-3, an ID/name key, or a prefix such as GEN) names the check. */
function matches(c: Check, pattern: string): boolean {
  const p = pattern.toUpperCase();
  return c.id === p || `${c.id}/${c.name}`.toUpperCase() === p || c.id.startsWith(`${p}-`);
}

/** A check that is part of the run's report but is not run, with the reason the report gives. */
export interface PlannedSkip {
  check: Check;
  reason: string;
}

/** What a run does: the checks it runs and the checks it reports as skipped without running them. */
export interface CheckPlan {
  run: Check[];
  skip: PlannedSkip[];
}

/**
 * Plans a run. A check runs only when its profile and every profile it needs are claimed, so no probe leaves the
 * claimed profiles; the others are reported as skipped with the reason, and so are the unselected checks of a
 * requirement that `--checks` / `--exclude-checks` selected in part (a requirement never reads PASS over them).
 */
export function planChecks(profiles: ReadonlySet<Profile>, include?: readonly string[], exclude?: readonly string[]): CheckPlan {
  const selected = (c: Check) => (!include?.length || include.some((p) => matches(c, p))) && !exclude?.some((p) => matches(c, p));
  const touched = new Set(allChecks.filter(selected).map((c) => c.id));
  const plan: CheckPlan = { run: [], skip: [] };
  for (const check of allChecks) {
    if (!touched.has(check.id)) continue;
    const missing = [check.profile, ...(check.needs ?? [])].filter((p) => !profiles.has(p));
    if (!selected(check)) plan.skip.push({ check, reason: 'not selected (--checks / --exclude-checks): this part of the requirement was not checked' });
    else if (missing.includes(check.profile)) plan.skip.push({ check, reason: `the ${check.profile} profile is not claimed (--profile)` });
    else if (missing.length)
      plan.skip.push({
        check,
        reason: `needs the ${missing.join(' and ')} profile${missing.length > 1 ? 's' : ''}, which is not claimed: this part of the requirement is not checked`,
      });
    else plan.run.push(check);
  }
  return plan;
}

/** The checks a run with these profiles and selections would run (see planChecks for the ones it skips). */
export function selectChecks(profiles: ReadonlySet<Profile>, include?: readonly string[], exclude?: readonly string[]): Check[] {
  return planChecks(profiles, include, exclude).run;
}

/** Every requirement ID the suite has a check for. */
export function coveredRequirementIds(): string[] {
  return [...new Set(allChecks.map((c) => c.id))].sort(compareRequirementIds);
}
