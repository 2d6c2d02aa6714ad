import type { z } from 'zod';
import { describeRule, describeValue, schemaAt } from './field-rules.js';
import { toJsonPointer } from './json-pointer.js';
import type { FieldError } from './problem.js';

/** Outcome of checking one value against a contract schema. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/**
 * Checks `value` against `schema` and reports each violation as `{ path, message }` with `path` a JSON Pointer (HB-3).
 * Union failures are reported at the deepest path zod names, so the pointer lands on the offending field. Messages
 * name the whole rule ("must be a number from 0 to 100 (got 150)"); a missing member is "required" at its own
 * pointer. `lanet validate`, `lanet mock` and the reference server all answer with these words.
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
    errors.push({ path, message: teach(schema, value, issue) });
  }
  return { ok: false, errors };
}

/** Formats field errors one per line as `path: message` (the whole body is shown as `(root)`). */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.path === '' ? '(root)' : e.path}: ${e.message}`).join('\n');
}

// Issue codes whose zod wording is replaced by the schema's rule; others (custom refinements, unions) keep theirs.
const RULE_CODES = new Set(['invalid_type', 'too_big', 'too_small', 'invalid_value', 'invalid_format', 'not_multiple_of']);

/** Looks up `path` in `value`: `missing` when the parent object lacks the member (HB-3: "required" at its pointer). */
function lookUp(value: unknown, path: readonly PropertyKey[]): { missing: boolean; found: unknown } {
  let node = value;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return { missing: true, found: undefined };
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return { missing: node === undefined, found: node };
}

/** One issue in words that teach: what is required or what the value must be, and what was received. */
function teach(schema: z.ZodType, value: unknown, issue: z.core.$ZodIssue): string {
  if (!RULE_CODES.has(issue.code)) return issue.message;
  const leaf = schemaAt(schema, issue.path);
  if (leaf === undefined) return issue.message;
  const rule = describeRule(leaf);
  const at = lookUp(value, issue.path);
  if (at.missing) return `required: must be ${rule}`;
  // A string of the wrong format or enum value says nothing more by its length; its content is never echoed (AUTH-4).
  if (typeof at.found === 'string' && (issue.code === 'invalid_format' || issue.code === 'invalid_value')) return `must be ${rule}`;
  return `must be ${rule} (got ${describeValue(at.found)})`;
}
