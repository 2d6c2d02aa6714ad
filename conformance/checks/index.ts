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
  ...authChecks,
  ...fleetChecks,
  ...escrowChecks,
];

/** Requirement order for reports: GEN, HB, REG, AUTH, FLT, ESC, each by number. */
export function compareRequirementIds(a: string, b: string): number {
  const order = ['GEN', 'HB', 'REG', 'AUTH', 'FLT', 'ESC', 'AG'];
  const [pa, na] = a.split('-');
  const [pb, nb] = b.split('-');
  return order.indexOf(pa!) - order.indexOf(pb!) || Number(na) - Number(nb);
}

/** Checks selected by profile and by `--checks` / `--exclude-checks` (IDs such as HB-3, or ID/name keys, or prefixes such as GEN). */
export function selectChecks(profiles: ReadonlySet<Profile>, include?: readonly string[], exclude?: readonly string[]): Check[] {
  const matches = (c: Check, pattern: string) => {
    const p = pattern.toUpperCase();
    const key = `${c.id}/${c.name}`.toUpperCase();
    return c.id === p || key === p || c.id.startsWith(`${p}-`);
  };
  return allChecks.filter(
    (c) => profiles.has(c.profile) && (!include?.length || include.some((p) => matches(c, p))) && !exclude?.some((p) => matches(c, p)),
  );
}

/** Every requirement ID the suite has a check for. */
export function coveredRequirementIds(): string[] {
  return [...new Set(allChecks.map((c) => c.id))].sort(compareRequirementIds);
}
