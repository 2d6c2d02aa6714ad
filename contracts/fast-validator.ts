import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { validateMessage, type ValidationResult } from './validate-message.js';

/** A compiled validator: same verdict as `validateMessage(schema, value)`, far faster on valid input. */
export type FastValidator<T> = (value: unknown) => ValidationResult<T>;

// Check kinds that JSON Schema expresses exactly; anything else (a refine, a transform, coercion) would be dropped
// silently by z.toJSONSchema, so compiling refuses it instead of producing a validator that accepts too much.
const REPRESENTABLE_CHECKS = new Set([
  'min_length',
  'max_length',
  'length_equals',
  'string_format',
  'greater_than',
  'less_than',
  'number_format',
  'multiple_of',
]);

type Def = { type: string; checks?: Array<{ _zod: { def: { check: string; format?: string } } }>; coerce?: boolean } & Record<string, unknown>;

/** Throws when `schema` uses a construct whose JSON Schema would not be exactly as strict as zod. */
export function assertRepresentable(schema: z.ZodType, path = '(root)'): void {
  const def = schema._zod.def as unknown as Def;
  for (const check of def.checks ?? []) {
    const kind = check._zod.def.check;
    if (!REPRESENTABLE_CHECKS.has(kind))
      throw new Error(`Cannot compile ${path}: a '${kind}' check has no JSON Schema equivalent. Use validateMessage instead.`);
  }
  if (def.coerce) throw new Error(`Cannot compile ${path}: coercion has no JSON Schema equivalent.`);
  const child = (s: unknown, p: string) => assertRepresentable(s as z.ZodType, p);
  switch (def.type) {
    case 'object':
      for (const [key, value] of Object.entries(def.shape as Record<string, unknown>)) child(value, `${path}/${key}`);
      if (def.catchall && (def.catchall as z.ZodType)._zod.def.type !== 'unknown') child(def.catchall, `${path}/*`);
      return;
    case 'array':
      return child(def.element, `${path}/[]`);
    case 'optional':
    case 'nullable':
    case 'readonly':
      return child(def.innerType, path);
    case 'union':
      (def.options as unknown[]).forEach((o, i) => child(o, `${path}|${i}`));
      return;
    case 'string':
    case 'number':
    case 'boolean':
    case 'enum':
    case 'literal':
    case 'null':
    case 'unknown':
      return;
    default:
      throw new Error(`Cannot compile ${path}: zod type '${def.type}' is not supported by the fast validator.`);
  }
}

let ajv: Ajv2020 | undefined;

/**
 * zod counts string length in code points; the fast path counts UTF-16 units (one or two per code point). Units never
 * undercount, so `maxLength` stays sound as is; `minLength` m > 1 becomes 2m units, which guarantees m code points.
 * Strings between m and 2m units are turned away by the fast path and judged by zod, so the verdict never changes.
 */
function soundLengthsInUnits(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(soundLengthsInUnits);
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (typeof record.minLength === 'number' && record.minLength > 1) record.minLength *= 2;
  for (const value of Object.values(record)) soundLengthsInUnits(value);
}

// Ajv marks `unicode` deprecated yet honours it; keep that one notice off stderr (CLI output), pass the rest on.
const quietUnicodeNotice = {
  log: (...args: unknown[]) => console.log(...args),
  warn: (...args: unknown[]) => {
    if (!String(args[0]).startsWith('DEPRECATED: option unicode')) console.warn(...args);
  },
  error: (...args: unknown[]) => console.error(...args),
};

/**
 * Compiles `schema` (through z.toJSONSchema) with Ajv as a fast accept path; a value Ajv rejects is re-checked by zod,
 * so error paths and messages stay exactly validateMessage's. Agreement of the two engines is property-tested.
 */
export function compileValidator<S extends z.ZodType>(schema: S): FastValidator<z.output<S>> {
  assertRepresentable(schema);
  const jsonSchema = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' });
  soundLengthsInUnits(jsonSchema);
  // unicode: false: lengths are String.length (UTF-16 units), O(1), instead of a loop counting code points over every
  // string (4x slower on a seed-sized heartbeat). soundLengthsInUnits keeps the accept path no looser than zod.
  // validateFormats: false because every format zod emits also carries an equivalent `pattern`.
  ajv ??= new Ajv2020({ allErrors: false, strict: false, unicode: false, validateFormats: false, logger: quietUnicodeNotice });
  const accept = ajv.compile(jsonSchema);
  return (value) => (accept(value) ? { ok: true, value: value as z.output<S> } : validateMessage(schema, value));
}
