import type { z } from 'zod';
import { AGENT_TIMESTAMP_PATTERN } from '../index.js';
import { minimalValue } from './minimal-value.js';
import { defOf, enumValues, lengthBounds, numberBounds, shapeOf, stringFormats, unwrap } from './zod-introspection.js';

/** What kind of rule a mutation breaks (HB-3 lists them: required, type, range, format, length, items). */
export type MutationKind = 'required' | 'type' | 'range' | 'integer' | 'length' | 'items' | 'format' | 'calendar' | 'enum';

/** One way to break one rule of the contract at one field. */
export interface MutationSpec {
  /** Path template from the body root: object keys, and '*' for "one existing element of this array". */
  path: readonly string[];
  kind: MutationKind;
  /** The rule, as labels print it: "max 100", "required", "max items 64", "format uuid". */
  rule: string;
  /** Breaking values (deleting the key when kind is 'required'); a run picks one. Built lazily: some are 2,001-item lists. */
  values: () => readonly unknown[];
}

const AGENT_TIMESTAMP_SOURCE = new RegExp(AGENT_TIMESTAMP_PATTERN).source;

/** Malformed UUIDs: the guide's placeholder, one digit short, no dashes, braces, a non-hex digit, empty. */
const MALFORMED_UUIDS = [
  'uuid-string',
  '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0',
  '3f2b8c1e9a4d4c7b8e215d6f7a8b9c0d',
  '{3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d}',
  'zf2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d',
  '',
];
/** Timestamps the pattern refuses: a space separator, epoch seconds, hour 25, month 13, US dates, a colon-less offset, a date alone. */
const MALFORMED_TIMESTAMPS = [
  '2025-08-04 12:51:08',
  '1754311868',
  '2025-08-04T25:00:00Z',
  '2025-13-01T00:00:00',
  '08/04/2025 12:51:08',
  '2025-08-04T12:51:08+0200',
  '2025-08-04',
  '',
];
/** Timestamps of the right shape on days that do not exist: 30 February, 31 April, 29 February of 2023 and of 2100 (not leap). */
const IMPOSSIBLE_DAYS = ['2025-02-30T00:00:00', '2025-04-31T12:00:00Z', '2023-02-29T08:15:00+01:00', '2100-02-29T00:00:00.123456'];

/** Values of the wrong JSON type for a schema whose core type is `type` (null too, unless the field is nullable). */
function wrongTypeValues(type: string, nullable: boolean): unknown[] {
  const byType: Record<string, unknown[]> = {
    // No arrays for strings nor strings for arrays: zod still runs length checks on any value with a length,
    // so ['x'] against a 16-character minimum would report a second error at the same pointer.
    string: [42, true, { text: 'x' }],
    number: ['15.2', true, [1]],
    boolean: ['true', 1],
    enum: [7, true],
    literal: [7, true],
    object: ['text', 42, []],
    array: [{}, 42],
  };
  return [...(byType[type] ?? ['text']), ...(nullable ? [] : [null])];
}

function numberSpecs(schema: z.ZodType, path: string[], out: MutationSpec[]): void {
  const b = numberBounds(schema);
  // Integer fields get integer out-of-range values only, so each mutation breaks exactly one check.
  const nudge = b.integer ? 1 : 0.1;
  if (b.min !== undefined && b.min > Number.MIN_SAFE_INTEGER) {
    const min = b.min;
    out.push({
      path,
      kind: 'range',
      rule: `min ${min}`,
      values: () => [min - 1, min - nudge, min - 1000].filter((v) => (b.minInclusive ? v < min : v <= min)),
    });
  }
  if (b.max !== undefined && b.max < Number.MAX_SAFE_INTEGER) {
    const max = b.max;
    const big = b.integer ? Math.ceil(max * 1.5) : max * 1.5;
    out.push({ path, kind: 'range', rule: `max ${max}`, values: () => [max + 1, max + nudge, ...(big > max ? [big] : [])] });
  }
  if (b.integer) {
    const lo = b.min !== undefined && b.min > Number.MIN_SAFE_INTEGER ? b.min : 0;
    out.push({ path, kind: 'integer', rule: 'integer', values: () => [lo + 0.5] });
  }
}

function stringSpecs(schema: z.ZodType, path: string[], out: MutationSpec[]): void {
  const formats = stringFormats(schema);
  for (const format of formats) {
    if (format['format'] === 'guid' || format['format'] === 'uuid') out.push({ path, kind: 'format', rule: 'format uuid', values: () => MALFORMED_UUIDS });
    else if (format['format'] === 'regex' && (format['pattern'] as RegExp).source === AGENT_TIMESTAMP_SOURCE) {
      out.push({ path, kind: 'format', rule: 'format date-time (RFC 3339, offset optional)', values: () => MALFORMED_TIMESTAMPS });
      // Whether the contract enforces real days by a refinement or inside the pattern, each of these breaks that one rule.
      out.push({ path, kind: 'calendar', rule: 'real calendar day', values: () => IMPOSSIBLE_DAYS });
    } else if (format['format'] === 'datetime') {
      out.push({ path, kind: 'format', rule: 'format date-time', values: () => ['2025-08-04 12:51:09Z', 'yesterday', '2025-08-04', '2025-08-04T25:00:00Z'] });
    } else if (format['format'] === 'regex') {
      const pattern = format['pattern'] as RegExp;
      const breaking = ['', '!', 'not matching', '\u0000'].filter((v) => !pattern.test(v));
      if (breaking.length > 0) out.push({ path, kind: 'format', rule: `pattern ${pattern.source}`, values: () => breaking });
    }
  }
  // Length mutations only on unformatted strings: a short or long formatted string would also break its format.
  if (formats.length > 0) return;
  const { min, max } = lengthBounds(schema);
  // zod 4 counts code points (as JSON Schema does): 15 emoji are 30 UTF-16 units yet still short of a 16-character minimum.
  if (min > 0) out.push({ path, kind: 'length', rule: `min length ${min}`, values: () => ['x'.repeat(min - 1), ...(min > 1 ? ['🚀'.repeat(min - 1)] : [])] });
  if (max !== undefined) {
    out.push({ path, kind: 'length', rule: `max length ${max}`, values: () => ['x'.repeat(max + 1), '中'.repeat(max + 1), '🚀'.repeat(max + 1)] });
  }
}

/** Appends every mutation of the node at `path` and of everything below it. */
function collect(schema: z.ZodType, path: string[], isProperty: boolean, out: MutationSpec[]): void {
  const { core, optional, nullable } = unwrap(schema);
  const def = defOf(core);
  if (isProperty && !optional) out.push({ path, kind: 'required', rule: 'required', values: () => [] });
  const wrongType = def.type === 'enum' ? `enum ${enumValues(core).join('|')}` : `type ${def.type}`;
  out.push({ path, kind: 'type', rule: wrongType, values: () => wrongTypeValues(def.type, nullable) });
  switch (def.type) {
    case 'number':
      return numberSpecs(core, path, out);
    case 'string':
      return stringSpecs(core, path, out);
    case 'enum': {
      const allowed = enumValues(core);
      const first = String(allowed[0]);
      out.push({
        path,
        kind: 'enum',
        rule: wrongType,
        values: () => ['Great', first.toLowerCase() === first ? first.toUpperCase() : first.toLowerCase(), ''].filter((v) => !allowed.includes(v)),
      });
      return;
    }
    case 'array': {
      const element = def['element'] as z.ZodType;
      const { max } = lengthBounds(core);
      // One past the max with the smallest valid items: 2,001 programs stay ~25 KB, under any server's 256 KiB limit.
      if (max !== undefined)
        out.push({ path, kind: 'items', rule: `max items ${max}`, values: () => [Array.from({ length: max + 1 }, () => minimalValue(element))] });
      return collect(element, [...path, '*'], false, out);
    }
    case 'object':
      for (const [key, field] of Object.entries(shapeOf(core))) collect(field, [...path, key], true, out);
      return;
    default:
      return;
  }
}

/** Every single-rule mutation of a message schema, derived from the schema itself so new bounds are covered at once. */
export function mutationSpecs(schema: z.ZodType): MutationSpec[] {
  const out: MutationSpec[] = [];
  collect(schema, [], false, out);
  return out;
}
