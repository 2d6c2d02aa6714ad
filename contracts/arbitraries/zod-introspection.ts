import type { z } from 'zod';

// Reading zod 4 internals (`schema._zod.def`): zod publishes no stable walker API, so the shapes we rely on are
// declared here once, loosely, and every generator and mutation reads schemas through these helpers.

/** The definition of one zod check (min/max/format/refinement) as zod 4 stores it. */
export interface CheckDef {
  check: string;
  [key: string]: unknown;
}

/** The definition of a zod 4 schema node. */
export interface SchemaDef {
  type: string;
  checks?: Array<{ _zod: { def: CheckDef } }>;
  [key: string]: unknown;
}

/** The `_zod.def` of a schema. */
export function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** Every check on a schema, including the format a format schema (z.guid(), z.iso.datetime()) carries in its own def. */
export function checksOf(schema: z.ZodType): CheckDef[] {
  const def = defOf(schema);
  const own = typeof def['check'] === 'string' ? [def as unknown as CheckDef] : [];
  return [...own, ...(def.checks ?? []).map((c) => c._zod.def)];
}

/** A schema with its optional and nullable wrappers peeled off. */
export interface Unwrapped {
  core: z.ZodType;
  optional: boolean;
  nullable: boolean;
}

/** Peels optional, nullable, default, readonly and similar wrappers, noting optional and nullable. */
export function unwrap(schema: z.ZodType): Unwrapped {
  let core = schema;
  let optional = false;
  let nullable = false;
  for (;;) {
    const def = defOf(core);
    if (def.type === 'optional') optional = true;
    else if (def.type === 'nullable') nullable = true;
    else if (!['default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type)) return { core, optional, nullable };
    core = def['innerType'] as z.ZodType;
  }
}

/** Length bounds of a string or array schema. */
export interface LengthBounds {
  min: number;
  max: number | undefined;
}

/** min_length / max_length / length_equals checks of a string or array. */
export function lengthBounds(schema: z.ZodType): LengthBounds {
  let min = 0;
  let max: number | undefined;
  for (const c of checksOf(schema)) {
    if (c.check === 'min_length') min = Math.max(min, c['minimum'] as number);
    if (c.check === 'max_length') max = Math.min(max ?? Infinity, c['maximum'] as number);
    if (c.check === 'length_equals') min = max = c['length'] as number;
  }
  return { min, max };
}

/** Numeric bounds of a number schema. */
export interface NumberBounds {
  min: number | undefined;
  minInclusive: boolean;
  max: number | undefined;
  maxInclusive: boolean;
  integer: boolean;
  multipleOf: number | undefined;
}

const INTEGER_FORMATS: Record<string, [number, number]> = {
  safeint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
};

/** greater_than / less_than / number_format / multiple_of checks of a number. */
export function numberBounds(schema: z.ZodType): NumberBounds {
  const b: NumberBounds = { min: undefined, minInclusive: true, max: undefined, maxInclusive: true, integer: false, multipleOf: undefined };
  for (const c of checksOf(schema)) {
    const value = c['value'] as number;
    if (c.check === 'greater_than' && (b.min === undefined || value >= b.min)) [b.min, b.minInclusive] = [value, c['inclusive'] === true];
    if (c.check === 'less_than' && (b.max === undefined || value <= b.max)) [b.max, b.maxInclusive] = [value, c['inclusive'] === true];
    if (c.check === 'multiple_of') b.multipleOf = value;
    if (c.check === 'number_format') {
      const range = INTEGER_FORMATS[c['format'] as string];
      if (range === undefined) continue;
      b.integer = true;
      if (b.min === undefined || range[0] > b.min) [b.min, b.minInclusive] = [range[0], true];
      if (b.max === undefined || range[1] < b.max) [b.max, b.maxInclusive] = [range[1], true];
    }
  }
  return b;
}

/** String format checks (guid, uuid, datetime, regex, ...) in the order zod runs them. */
export function stringFormats(schema: z.ZodType): CheckDef[] {
  return checksOf(schema).filter((c) => c.check === 'string_format');
}

/** True when the schema carries a refinement (`.refine`) that no generator can read, only run. */
export function hasCustomCheck(schema: z.ZodType): boolean {
  return checksOf(schema).some((c) => c.check === 'custom');
}

/** The allowed values of an enum schema. */
export function enumValues(schema: z.ZodType): Array<string | number> {
  return Object.values(defOf(schema)['entries'] as Record<string, string | number>);
}

/** The shape of an object schema. */
export function shapeOf(schema: z.ZodType): Record<string, z.ZodType> {
  return defOf(schema)['shape'] as Record<string, z.ZodType>;
}
