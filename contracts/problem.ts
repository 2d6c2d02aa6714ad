import { z } from 'zod';
import { limits } from './limits.js';

/** One offending field of a rejected request (HB-3): a JSON Pointer (RFC 6901) and what is wrong there. */
export const FieldErrorSchema = z
  .object({
    path: z
      .string()
      .max(limits.problemTextMax)
      .meta({ description: 'JSON Pointer to the offending field; "" is the whole body.', example: '/status/cpu_usage' }),
    message: z.string().min(1).max(limits.problemTextMax).meta({ example: 'must be a number from 0 to 100 (got 150)' }),
  })
  .meta({ id: 'FieldError' });

/** RFC 9457 problem details, the body of every error response (GEN-1). */
export const ProblemSchema = z
  .object({
    type: z
      .string()
      .min(1)
      .max(limits.problemTextMax)
      .meta({ description: 'URI reference naming the problem type.', example: 'https://lanet.dev/problems/validation' }),
    title: z.string().min(1).max(limits.problemTextMax).meta({ example: 'Invalid heartbeat' }),
    status: z.number().int().min(400).max(599),
    detail: z.string().max(limits.problemTextMax).meta({ example: '1 field failed validation: /status/cpu_usage' }),
    instance: z.string().max(limits.problemTextMax).optional(),
    errors: z.array(FieldErrorSchema).max(limits.problemErrorsMax).optional().meta({ description: 'Present on 400 validation failures (HB-3).' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json). Never contains a secret (AUTH-4).' });

/** One field error. */
export type FieldError = z.infer<typeof FieldErrorSchema>;
/** A problem+json body. */
export type Problem = z.infer<typeof ProblemSchema>;

/** Base of the problem `type` URIs of protocol v1 (RFC 9457 `type`). */
export const PROBLEM_TYPE_BASE = 'https://lanet.dev/problems/';

/** Builds a problem+json body (GEN-1); `slug` names the problem type, e.g. "validation". */
export function makeProblem(status: number, slug: string, title: string, detail: string, errors?: FieldError[]): Problem {
  const body: Problem = { type: PROBLEM_TYPE_BASE + slug, title, status, detail };
  // Never more field errors than the contract allows; `detail` still counts them all.
  if (errors) body.errors = errors.slice(0, limits.problemErrorsMax);
  return body;
}
