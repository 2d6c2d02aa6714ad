import { z } from 'zod';
import { OperationIdSchema } from '../routes.js';

/** Requirement level: a MUST failure fails a run; a SHOULD failure only with `--fail-on should`. */
export const LevelSchema = z.enum(['MUST', 'SHOULD']).meta({ id: 'Level' });

/** Backend profiles an implementation claims: core (GEN, HB), auth (REG, AUTH), fleet (FLT), escrow (ESC). */
export const BackendProfileSchema = z.enum(['core', 'auth', 'fleet', 'escrow']);

/** Every requirement's family: the four backend profiles, the agent's behaviour, and performance figures. */
export const RequirementProfileSchema = z.enum(['core', 'auth', 'fleet', 'escrow', 'agent', 'perf']);

/** Who judges a requirement: the backend suite, the agent suite, the simulator, or the project's own tests. */
export const JudgeSchema = z.enum(['conformance', 'agent-conformance', 'simulator', 'project-tests']);

/** One requirement of protocol v1, as data: the protocol document, the spec and every report read it. */
export const RequirementSchema = z.object({
  id: z.string().regex(/^(GEN|HB|REG|AUTH|FLT|ESC|AG|PERF)-\d+$/),
  level: LevelSchema,
  profile: RequirementProfileSchema,
  /** The rule in one line. */
  rule: z.string().min(1),
  /** Operations the rule concerns ('*' for every operation). */
  operations: z.array(z.union([OperationIdSchema, z.literal('*')])),
  /** Who judges it. */
  judgedBy: z.array(JudgeSchema).min(1),
  /** The part of the rule no black-box HTTP check can see, and why; the project's own tests cover it. */
  notCheckableOverHttp: z.string().optional(),
});

/** A requirement level. */
export type Level = z.infer<typeof LevelSchema>;
/** A backend profile. */
export type BackendProfile = z.infer<typeof BackendProfileSchema>;
/** A requirement's family. */
export type RequirementProfile = z.infer<typeof RequirementProfileSchema>;
/** Who judges a requirement. */
export type Judge = z.infer<typeof JudgeSchema>;
/** One requirement. */
export type Requirement = z.infer<typeof RequirementSchema>;

/** Every backend profile, in report order. */
export const backendProfiles: readonly BackendProfile[] = BackendProfileSchema.options;
