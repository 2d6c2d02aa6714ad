import fc from 'fast-check';
import type { z } from 'zod';
import { AGENT_TIMESTAMP_PATTERN } from '../index.js';
import { agentTimestampArbitrary, isoDateTimeArbitrary } from './timestamps.js';
import { unicodeText } from './unicode-text.js';
import { defOf, enumValues, hasCustomCheck, lengthBounds, numberBounds, shapeOf, stringFormats, unwrap } from './zod-introspection.js';
import type { CheckDef } from './zod-introspection.js';

/**
 * Dedicated generators for regex patterns whose language fc.stringMatching covers poorly: the agent timestamp
 * pattern also needs a real calendar day (its refinement), which a regex-driven generator would hit only by chance.
 */
const PATTERN_GENERATORS: ReadonlyMap<string, () => fc.Arbitrary<string>> = new Map([
  [new RegExp(AGENT_TIMESTAMP_PATTERN).source, () => agentTimestampArbitrary()],
]);

/** Unicode text up to `max` code units: mostly short, sometimes at the very top of the range (HB-2 extremes). */
function boundedText(min: number, max: number | undefined): fc.Arbitrary<string> {
  const top = max ?? min + 64;
  const usual = unicodeText({ minLength: min, maxLength: top, maxGraphemes: Math.max(min, 32) });
  if (top - min <= 32) return usual;
  return fc.oneof({ weight: 12, arbitrary: usual }, { weight: 1, arbitrary: unicodeText({ minLength: Math.max(min, top - 4), maxLength: top }) });
}

/** A generator for one string format check, or an error naming the format and where it sits. */
function formatArbitrary(format: CheckDef, pointer: string): fc.Arbitrary<string> {
  switch (format['format']) {
    case 'guid':
      return fc.uuid();
    case 'uuid': {
      const version = typeof format['version'] === 'string' ? Number((format['version'] as string).slice(1)) : undefined;
      return version === undefined ? fc.uuid() : fc.uuid({ version: version as 4 });
    }
    case 'datetime':
      return isoDateTimeArbitrary({
        offset: format['offset'] === true,
        local: format['local'] === true,
        precision: (format['precision'] as number | null | undefined) ?? null,
      });
    case 'date':
      return agentTimestampArbitrary(['naive']).map((ts) => ts.slice(0, 10));
    case 'regex': {
      const pattern = format['pattern'] as RegExp;
      return PATTERN_GENERATORS.get(pattern.source)?.() ?? fc.stringMatching(pattern);
    }
    default:
      throw new Error(
        `arbitraryFromSchema: string format '${String(format['format'])}' at '${pointer || '(root)'}' has no generator; add one in contracts/arbitraries/from-schema.ts.`,
      );
  }
}

function stringArbitrary(schema: z.ZodType, pointer: string): fc.Arbitrary<string> {
  const { min, max } = lengthBounds(schema);
  const [first] = stringFormats(schema);
  if (first === undefined) return boundedText(min, max);
  // Length bounds and further formats on a formatted string are rare; the caller's schema filter enforces them.
  return formatArbitrary(first, pointer);
}

function numberArbitrary(schema: z.ZodType, pointer: string): fc.Arbitrary<number> {
  const b = numberBounds(schema);
  if (b.integer || b.multipleOf !== undefined) {
    const step = b.multipleOf ?? 1;
    if (!Number.isInteger(step)) throw new Error(`arbitraryFromSchema: multipleOf ${step} at '${pointer || '(root)'}' is not supported (integers only).`);
    const lo = Math.ceil(((b.min ?? Number.MIN_SAFE_INTEGER) + (b.minInclusive ? 0 : 1)) / step);
    const hi = Math.floor(((b.max ?? Number.MAX_SAFE_INTEGER) - (b.maxInclusive ? 0 : 1)) / step);
    if (lo > hi) throw new Error(`arbitraryFromSchema: no integer satisfies the bounds at '${pointer || '(root)'}'.`);
    return fc.integer({ min: Math.max(lo, Number.MIN_SAFE_INTEGER), max: Math.min(hi, Number.MAX_SAFE_INTEGER) }).map((k) => (k * step === 0 ? 0 : k * step));
  }
  // JSON cannot carry NaN or Infinity, and -0 comes back as 0, so none of them is generated.
  const doubles = fc
    .double({ min: b.min, max: b.max, minExcluded: !b.minInclusive, maxExcluded: !b.maxInclusive, noNaN: true, noDefaultInfinity: true })
    .map((n) => (n === 0 ? 0 : n));
  const lo = Math.ceil(b.min ?? -1e9);
  const hi = Math.floor(b.max ?? 1e9);
  if (lo >= hi) return doubles;
  // Agents send short decimals far more often than arbitrary doubles; both are valid.
  const decimals = fc.integer({ min: lo * 10 + 1, max: hi * 10 - 1 }).map((n) => (n === 0 ? 0 : n / 10));
  return fc.oneof(doubles, decimals);
}

function objectArbitrary(schema: z.ZodType, pointer: string): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const requiredKeys: string[] = [];
  for (const [key, field] of Object.entries(shapeOf(schema))) {
    const { optional } = unwrap(field);
    const child = `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    // An optional key is left out by fc.record; its inner schema generates the value when present.
    model[key] = build(optional && defOf(field).type === 'optional' ? (defOf(field)['innerType'] as z.ZodType) : field, child);
    if (!optional) requiredKeys.push(key);
  }
  return fc.record(model, { requiredKeys, noNullPrototype: true });
}

/** Builds the arbitrary for one schema node; `pointer` names it in error messages. */
function build(schema: z.ZodType, pointer: string): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const inner = (): z.ZodType => def['innerType'] as z.ZodType;
  let arb: fc.Arbitrary<unknown>;
  switch (def.type) {
    case 'string':
      arb = stringArbitrary(schema, pointer);
      break;
    case 'number':
      arb = numberArbitrary(schema, pointer);
      break;
    case 'boolean':
      arb = fc.boolean();
      break;
    case 'null':
      arb = fc.constant(null);
      break;
    case 'enum':
      arb = fc.constantFrom(...enumValues(schema));
      break;
    case 'literal':
      arb = fc.constantFrom(...(def['values'] as unknown[]));
      break;
    case 'object':
      arb = objectArbitrary(schema, pointer);
      break;
    case 'array': {
      const { min, max } = lengthBounds(schema);
      arb = fc.array(build(def['element'] as z.ZodType, `${pointer}/0`), { minLength: min, maxLength: max });
      break;
    }
    case 'tuple':
      arb = fc.tuple(...(def['items'] as z.ZodType[]).map((item, i) => build(item, `${pointer}/${i}`)));
      break;
    case 'record':
      arb = fc.dictionary(build(def['keyType'] as z.ZodType, pointer) as fc.Arbitrary<string>, build(def['valueType'] as z.ZodType, `${pointer}/*`), {
        maxKeys: 5,
        noNullPrototype: true,
      });
      break;
    case 'union':
      arb = fc.oneof(...(def['options'] as z.ZodType[]).map((option) => build(option, pointer)));
      break;
    case 'nullable':
      arb = fc.option(build(inner(), pointer), { nil: null, freq: 4 });
      break;
    case 'optional':
      arb = fc.option(build(inner(), pointer), { nil: undefined, freq: 4 });
      break;
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      arb = build(inner(), pointer);
      break;
    case 'lazy':
      arb = build((def['getter'] as () => z.ZodType)(), pointer);
      break;
    default:
      throw new Error(
        `arbitraryFromSchema: zod type '${def.type}' at '${pointer || '(root)'}' has no generator; add a case in contracts/arbitraries/from-schema.ts.`,
      );
  }
  // Refinements, and length bounds on formatted strings, cannot be read ahead: keep only values the schema itself accepts.
  const needsFilter =
    hasCustomCheck(schema) ||
    (def.type === 'string' &&
      stringFormats(schema).length > 0 &&
      (lengthBounds(schema).min > 0 || lengthBounds(schema).max !== undefined || stringFormats(schema).length > 1));
  return needsFilter ? arb.filter((value) => schema.safeParse(value).success) : arb;
}

/**
 * A fast-check arbitrary for any contract schema, built by walking its zod 4 definition: objects (optional keys
 * left out at random), arrays and strings within their length bounds, numbers within min/max (integers when the
 * schema says int), formats (guid, uuid, ISO date-time, the agent timestamp pattern), enums, literals, nullable,
 * optional, unions. An unsupported construct throws, naming the construct and its JSON Pointer.
 */
export function arbitraryFromSchema<S extends z.ZodType>(schema: S): fc.Arbitrary<z.output<S>> {
  return build(schema, '') as fc.Arbitrary<z.output<S>>;
}
