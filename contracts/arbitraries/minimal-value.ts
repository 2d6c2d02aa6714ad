import type { z } from 'zod';
import { AGENT_TIMESTAMP_PATTERN } from '../index.js';
import { defOf, enumValues, lengthBounds, numberBounds, shapeOf, stringFormats, unwrap } from './zod-introspection.js';

const AGENT_TIMESTAMP_SOURCE = new RegExp(AGENT_TIMESTAMP_PATTERN).source;

/** The shortest valid string for a format, or undefined when the format is not one the contracts use. */
function minimalFormatted(schema: z.ZodType): string | undefined {
  const [format] = stringFormats(schema);
  if (format === undefined) return undefined;
  if (format['format'] === 'guid' || format['format'] === 'uuid') return '00000000-0000-4000-8000-000000000000';
  if (format['format'] === 'datetime') return '2025-01-01T00:00:00Z';
  if (format['format'] === 'regex' && (format['pattern'] as RegExp).source === AGENT_TIMESTAMP_SOURCE) return '2025-01-01T00:00:00';
  throw new Error(`minimalValue: no minimal value for string format '${String(format['format'])}'; add one in contracts/arbitraries/minimal-value.ts.`);
}

/**
 * The smallest valid value of a schema: required keys only, shortest strings, lowest numbers, empty lists.
 * Mutations fill "too many items" arrays with it, so a list one past its maximum stays far below the 256 KiB body limit.
 */
export function minimalValue(schema: z.ZodType): unknown {
  const { core, optional, nullable } = unwrap(schema);
  if (nullable) return null;
  if (optional) return undefined;
  const def = defOf(core);
  switch (def.type) {
    case 'string':
      return minimalFormatted(core) ?? 'a'.repeat(lengthBounds(core).min);
    case 'number': {
      const b = numberBounds(core);
      if (b.min === undefined) return b.max !== undefined && b.max < 0 ? b.max - 1 : 0;
      return b.minInclusive ? b.min : b.min + 1;
    }
    case 'boolean':
      return false;
    case 'enum':
      return enumValues(core)[0];
    case 'literal':
      return (def['values'] as unknown[])[0];
    case 'array': {
      const element = minimalValue(def['element'] as z.ZodType);
      return Array.from({ length: lengthBounds(core).min }, () => element);
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(shapeOf(core))) {
        const value = minimalValue(field);
        if (value !== undefined) out[key] = value;
      }
      return out;
    }
    default:
      throw new Error(`minimalValue: zod type '${def.type}' is not supported; add a case in contracts/arbitraries/minimal-value.ts.`);
  }
}
