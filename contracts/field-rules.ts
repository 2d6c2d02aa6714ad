import type { z } from 'zod';

// Reads a zod schema's definition (type, checks, format) to say in words what a field must be. zod's own messages
// ("Too big: expected number to be <=100", "expected string, received undefined") name one bound or the engine's
// view of the input; an agent developer needs the whole rule: "a number from 0 to 100".

type Check = {
  check: string;
  value?: number;
  inclusive?: boolean;
  minimum?: number;
  maximum?: number;
  length?: number;
  format?: string;
  error?: (i: object) => unknown;
};
type Def = { type: string; checks?: Array<{ _zod: { def: Check } }>; format?: string; error?: (i: object) => unknown } & Record<string, unknown>;

const defOf = (schema: unknown): Def => (schema as z.ZodType)._zod.def as unknown as Def;

/** Format names zod uses, in words an agent developer can act on. */
const FORMAT_WORDS: Record<string, string> = {
  guid: 'a UUID (8-4-4-4-12 hex digits)',
  uuid: 'a UUID (8-4-4-4-12 hex digits)',
  datetime: 'an RFC 3339 date-time with an offset (2025-08-04T12:51:09Z)',
  email: 'an e-mail address',
  url: 'a URL',
};

/** The schema a path of keys leads to inside `root`, or undefined when the path leaves the schema (unknown members, HB-5). */
export function schemaAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let node: unknown = root;
  for (const key of path) {
    node = unwrap(node);
    const def = defOf(node);
    if (def.type === 'object') node = (def.shape as Record<string, unknown>)[String(key)] ?? (def.catchall as unknown);
    else if (def.type === 'array') node = def.element;
    else if (def.type === 'record') node = def.valueType;
    else return undefined;
    if (node === undefined) return undefined;
  }
  return node as z.ZodType;
}

/** Strips optional/readonly/default wrappers; nullable is kept apart because it changes the rule's words. */
function unwrap(schema: unknown): unknown {
  let node = schema;
  for (let def = defOf(node); ['optional', 'readonly', 'default', 'prefault', 'nonoptional'].includes(def.type); def = defOf(node)) node = def.innerType;
  return node;
}

/** A custom message given to a check or schema ("must be a UUID ..."), without its leading "must be ". */
function customWords(error: Def['error'] | Check['error']): string | undefined {
  const text = typeof error === 'function' ? error({}) : undefined;
  return typeof text === 'string' && text.length > 0 ? text.replace(/^must be /, '') : undefined;
}

/** "from 0 to 100" for numbers; "of 1 to 255 characters" for lengths (`unit` given). */
function range(lo: number | undefined, hi: number | undefined, unit: string): string {
  if (lo !== undefined && hi !== undefined) return lo === hi ? `of exactly ${lo}${unit}` : `${unit === '' ? 'from' : 'of'} ${lo} to ${hi}${unit}`;
  if (lo !== undefined) return `of at least ${lo}${unit}`;
  if (hi !== undefined) return `of at most ${hi}${unit}`;
  return '';
}

function bounds(def: Def): { lo?: number; hi?: number; loOpen: boolean; hiOpen: boolean; int: boolean; format?: string; custom?: string } {
  const out: ReturnType<typeof bounds> = { loOpen: false, hiOpen: false, int: false };
  for (const { _zod } of def.checks ?? []) {
    const c = _zod.def;
    if (c.check === 'greater_than') (out.lo = c.value), (out.loOpen = c.inclusive === false);
    else if (c.check === 'less_than') (out.hi = c.value), (out.hiOpen = c.inclusive === false);
    else if (c.check === 'min_length') out.lo = c.minimum;
    else if (c.check === 'max_length') out.hi = c.maximum;
    else if (c.check === 'length_equals') out.lo = out.hi = c.length;
    else if (c.check === 'number_format') out.int = true;
    else if (c.check === 'string_format') (out.format = c.format), (out.custom = customWords(c.error));
  }
  return out;
}

/** What a value must be, in words: "a number from 0 to 100", "a string of 1 to 255 characters", "one of On, Off". */
export function describeRule(schema: z.ZodType): string {
  const node = unwrap(schema);
  const def = defOf(node);
  const join = (parts: Array<string | undefined>) => parts.filter((p) => p !== undefined && p !== '').join(' ');
  switch (def.type) {
    case 'nullable':
      return `${describeRule(def.innerType as z.ZodType)}, or null`;
    case 'number': {
      const b = bounds(def);
      const noun = b.int ? 'a whole number' : 'a number';
      if (b.loOpen || b.hiOpen)
        return join([
          noun,
          b.lo !== undefined ? `above${b.loOpen ? '' : ' or equal to'} ${b.lo}` : undefined,
          b.hi !== undefined ? `${b.lo !== undefined ? 'and ' : ''}below${b.hiOpen ? '' : ' or equal to'} ${b.hi}` : undefined,
        ]);
      return join([noun, range(b.lo, b.hi, '')]);
    }
    case 'string': {
      const b = bounds(def);
      const format = customWords(def.error) ?? b.custom ?? FORMAT_WORDS[def.format ?? b.format ?? ''];
      if (format !== undefined) return format;
      if (b.lo === undefined && b.hi === undefined) return 'a string';
      if (b.lo === 1 && b.hi === undefined) return 'a non-empty string';
      return join(['a string', range(b.lo === 0 ? undefined : b.lo, b.hi, ' characters')]);
    }
    case 'array': {
      const b = bounds(def);
      return join(['an array', range(b.lo === 0 ? undefined : b.lo, b.hi, ' items')]);
    }
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${Object.values(def.entries as Record<string, string>)
        .map((v) => JSON.stringify(v))
        .join(', ')}`;
    case 'literal':
      return (def.values as unknown[]).map((v) => JSON.stringify(v)).join(' or ');
    case 'null':
      return 'null';
    case 'object':
    case 'record':
      return 'a JSON object';
    default:
      return 'a valid value';
  }
}

/** What was received, in words that never echo a string's content (it may be a secret, AUTH-4). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'string') {
    const n = [...value].length;
    return n === 0 ? 'an empty string' : `a string of ${n} character${n === 1 ? '' : 's'}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') return 'an object';
  return typeof value;
}
