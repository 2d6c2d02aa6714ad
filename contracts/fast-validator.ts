import { _, Ajv2020, type KeywordCxt } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { util } from 'zod/v4/core';
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

/** Code points in `s` as zod 4 counts them (a surrogate pair once, a lone surrogate as itself): zod's own function. */
export const codePointLength: (s: string) => number = util.codePointLength;

/**
 * zod counts string length in code points, Ajv with `unicode: false` in UTF-16 units. The string bounds become the
 * keywords below, which compare units first (O(1)) and count code points only where units cannot decide: over the
 * maximum in units, or under twice the minimum. Why: a program name with astral characters past its bound in units
 * but within it in code points was turned away by the fast path, and zod judged the whole heartbeat again; a third of
 * the simulator's drawn inventories paid that (~2x the validation cost on the ingest thread, issue 13).
 */
function lengthsInCodePoints(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(lengthsInCodePoints);
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (typeof record.maxLength === 'number') {
    record.maxCodePoints = record.maxLength;
    delete record.maxLength;
  }
  if (typeof record.minLength === 'number') {
    record.minCodePoints = record.minLength;
    delete record.minLength;
  }
  for (const value of Object.values(record)) lengthsInCodePoints(value);
}

/** Adds maxCodePoints and minCodePoints (zod's string length bounds) to `ajv` as inline code. */
function addCodePointKeywords(target: Ajv2020): void {
  target.addKeyword({
    keyword: 'maxCodePoints',
    type: 'string',
    schemaType: 'number',
    code(cxt: KeywordCxt) {
      const count = cxt.gen.scopeValue('func', { ref: codePointLength });
      cxt.fail(_`${cxt.data}.length > ${cxt.schema} && ${count}(${cxt.data}) > ${cxt.schema}`);
    },
  });
  target.addKeyword({
    keyword: 'minCodePoints',
    type: 'string',
    schemaType: 'number',
    code(cxt: KeywordCxt) {
      const count = cxt.gen.scopeValue('func', { ref: codePointLength });
      // Code points are at least half the units: from 2 * min units on, the minimum holds without counting.
      cxt.fail(_`${cxt.data}.length < ${cxt.schema} || (${cxt.data}.length < 2 * ${cxt.schema} && ${count}(${cxt.data}) < ${cxt.schema})`);
    },
  });
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
 * The fast path alone: true when Ajv, compiled from `schema` (through z.toJSONSchema), accepts `value`. Never looser
 * than zod; compileValidator asks zod about whatever it turns away. Exported so tests can see which path judged.
 */
export function compileAcceptor(schema: z.ZodType): (value: unknown) => boolean {
  assertRepresentable(schema);
  const jsonSchema = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' });
  lengthsInCodePoints(jsonSchema);
  // unicode: false: Ajv's own lengths would loop over every string counting code points (4x slower on a seed-sized
  // heartbeat); the string bounds are the code-point keywords instead, which count only where units cannot decide.
  // validateFormats: false because every format zod emits also carries an equivalent `pattern`.
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: false, strict: false, unicode: false, validateFormats: false, logger: quietUnicodeNotice });
    addCodePointKeywords(ajv);
  }
  const accept = ajv.compile(jsonSchema);
  return (value) => accept(value) === true;
}

/**
 * Compiles `schema` with Ajv as a fast accept path (compileAcceptor); a value Ajv rejects is re-checked by zod,
 * so error paths and messages stay exactly validateMessage's. Agreement of the two engines is property-tested.
 */
export function compileValidator<S extends z.ZodType>(schema: S): FastValidator<z.output<S>> {
  const accept = compileAcceptor(schema);
  return (value) => (accept(value) ? { ok: true, value: value as z.output<S> } : validateMessage(schema, value));
}
