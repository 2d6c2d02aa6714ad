import { z } from 'zod';
import { LevelSchema, type Level } from './requirements/requirement-catalogue.js';
import { levelOf } from './requirements/requirements.js';

/** Outcome of one check: it ran and held, it ran and broke, or it did not run (skip, with its reason). */
export const CheckStatusSchema = z.enum(['pass', 'fail', 'skip']);

/**
 * Outcome of one requirement over all its checks: `pass` only when every check it owns ran and passed;
 * `fail` when any failed; `partial` when some passed and the rest were skipped; `skip` when none ran.
 */
export const RequirementStatusSchema = z.enum(['pass', 'fail', 'partial', 'skip']);

/** One check's verdict: which requirement, which check, and the evidence (a pass needs evidence, a skip a reason). */
export const CheckVerdictSchema = z
  .object({
    requirement: z.string().min(1),
    level: LevelSchema,
    check: z.string().min(1),
    status: CheckStatusSchema,
    /** Why it passed (what was observed), why it failed (the first broken expectation), or why it was skipped. */
    evidence: z.string().min(1),
  })
  .meta({ id: 'CheckVerdict' });

/** One requirement's verdict, rolled up from its checks. */
export const RequirementVerdictSchema = z
  .object({
    requirement: z.string().min(1),
    level: LevelSchema,
    status: RequirementStatusSchema,
    checks: z.object({ pass: z.number().int().min(0), fail: z.number().int().min(0), skip: z.number().int().min(0) }),
    /** The first failure, else the skip reasons of a partial or skipped requirement, else the pass evidence. */
    summary: z.string(),
  })
  .meta({ id: 'RequirementVerdict' });

/** A check's status. */
export type CheckStatus = z.infer<typeof CheckStatusSchema>;
/** A requirement's status. */
export type RequirementStatus = z.infer<typeof RequirementStatusSchema>;
/** One check's verdict. */
export type CheckVerdict = z.infer<typeof CheckVerdictSchema>;
/** One requirement's verdict. */
export type RequirementVerdict = z.infer<typeof RequirementVerdictSchema>;

/** Builds a check verdict with the level read from the requirement catalogue (so no part can spell it differently). */
export function checkVerdict(requirement: string, check: string, status: CheckStatus, evidence: string): CheckVerdict {
  return CheckVerdictSchema.parse({ requirement, level: levelOf(requirement), check, status, evidence });
}

/** Rolls check verdicts up per requirement, in first-seen order. */
export function rollUp(checks: readonly CheckVerdict[]): RequirementVerdict[] {
  const groups = new Map<string, CheckVerdict[]>();
  for (const c of checks) groups.set(c.requirement, [...(groups.get(c.requirement) ?? []), c]);
  return [...groups.entries()].map(([requirement, own]) => {
    const count = (s: CheckStatus) => own.filter((c) => c.status === s).length;
    const counts = { pass: count('pass'), fail: count('fail'), skip: count('skip') };
    const status: RequirementStatus = counts.fail > 0 ? 'fail' : counts.skip === 0 ? 'pass' : counts.pass === 0 ? 'skip' : 'partial';
    const pick = (s: CheckStatus) => own.filter((c) => c.status === s).map((c) => `${c.check}: ${c.evidence}`);
    const summary = status === 'fail' ? pick('fail')[0]! : status === 'pass' ? pick('pass').join('; ') : pick('skip').join('; ');
    return { requirement, level: own[0]!.level, status, checks: counts, summary };
  });
}

/** The one gating rule: a failed MUST fails the run; a failed SHOULD only with `failOnShould`. Partial and skip never gate. */
export function isGating(verdict: { level: Level; status: RequirementStatus | CheckStatus }, failOnShould: boolean): boolean {
  return verdict.status === 'fail' && (verdict.level === 'MUST' || failOnShould);
}

/** Exit code of a judged run: 1 when any verdict gates, else 0 (2, could not run, is the caller's). */
export function gateExitCode(verdicts: ReadonlyArray<{ level: Level; status: RequirementStatus | CheckStatus }>, failOnShould: boolean): 0 | 1 {
  return verdicts.some((v) => isGating(v, failOnShould)) ? 1 : 0;
}
