import type { z } from 'zod';
import { toJsonPointer } from './json-pointer.js';
import type { FieldError } from './problem.js';

/** Outcome of checking one value against a contract schema. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/**
 * Checks `value` against `schema` and reports each violation as `{ path, message }` with `path` a JSON Pointer (HB-3).
 * Union failures are reported at the deepest path zod names, so the pointer lands on the offending field.
 */
export function validateMessage<S extends z.ZodType>(schema: S, value: unknown): ValidationResult<z.output<S>> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  // zod still runs a field's length checks after its type check failed ("expected string, received array" then
  // "expected array to have >=16 items"); past a wrong type, the other complaints about that field are noise.
  const wrongType = new Set(result.error.issues.filter((i) => i.code === 'invalid_type').map((i) => toJsonPointer(i.path)));
  const errors: FieldError[] = [];
  for (const issue of result.error.issues) {
    const path = toJsonPointer(issue.path);
    if (issue.code !== 'invalid_type' && wrongType.has(path)) continue;
    errors.push({ path, message: issue.message });
  }
  return { ok: false, errors };
}

/** Formats field errors one per line as `path: message` (the whole body is shown as `(root)`). */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.path === '' ? '(root)' : e.path}: ${e.message}`).join('\n');
}
