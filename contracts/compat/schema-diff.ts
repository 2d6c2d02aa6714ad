/**
 * Breaking-change rules for one JSON Schema node, by the direction the data flows. A request schema (what agents send)
 * breaks when the server starts refusing what it accepted: a removed field, a narrowed range or pattern, a new required
 * field, a removed enum value, a type no longer accepted. A response schema (what clients read) breaks when the server
 * stops sending what clients rely on (a removed or no-longer-required field) or may send a new type (null, say).
 * Response readers are tolerant of new enum values and wider ranges: the fleet endpoints echo agent payloads, and agents
 * may widen those (HB-5's tolerant-reader rule), so flagging them would freeze the protocol.
 */
export type Direction = 'request' | 'response';

/** A JSON Schema node as the spec generator writes it. */
export type SchemaNode = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
} & Record<string, unknown>;

/** One breaking change, with the place and what happened there. */
export interface BreakingChange {
  where: string;
  what: string;
}

const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems'] as const;
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems'] as const;

function types(node: SchemaNode): Set<string> {
  const own = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  const fromAnyOf = (node.anyOf ?? []).flatMap((n) => (n.type === undefined ? [] : Array.isArray(n.type) ? n.type : [n.type]));
  return new Set([...own, ...fromAnyOf]);
}

/** Compares bounds: a request may only widen them. */
function compareBounds(before: SchemaNode, after: SchemaNode, direction: Direction, where: string, out: BreakingChange[]): void {
  for (const key of LOWER_BOUNDS) {
    const a = before[key] as number | undefined;
    const b = after[key] as number | undefined;
    if (a === b) continue;
    const narrowed = (a === undefined && b !== undefined) || (a !== undefined && b !== undefined && b > a);
    if (narrowed && direction === 'request') out.push({ where, what: `${key} narrowed: ${a ?? 'none'} -> ${b ?? 'none'}` });
  }
  for (const key of UPPER_BOUNDS) {
    const a = before[key] as number | undefined;
    const b = after[key] as number | undefined;
    if (a === b) continue;
    const narrowed = (a === undefined && b !== undefined) || (a !== undefined && b !== undefined && b < a);
    if (narrowed && direction === 'request') out.push({ where, what: `${key} narrowed: ${a ?? 'none'} -> ${b ?? 'none'}` });
  }
  if (before.pattern !== after.pattern && direction === 'request') {
    out.push({ where, what: `pattern changed: ${before.pattern ?? 'none'} -> ${after.pattern ?? 'none'}` });
  }
}

/** Compares enums and constants: a request must keep accepting every value. */
function compareValues(before: SchemaNode, after: SchemaNode, direction: Direction, where: string, out: BreakingChange[]): void {
  if (direction !== 'request') return;
  const a = before.enum ?? (before.const !== undefined ? [before.const] : undefined);
  const b = after.enum ?? (after.const !== undefined ? [after.const] : undefined);
  if (!b) return;
  if (!a) {
    out.push({ where, what: `now restricted to ${JSON.stringify(b)}` });
    return;
  }
  for (const v of a) if (!b.includes(v)) out.push({ where, what: `enum value ${JSON.stringify(v)} removed` });
}

/** Compares two schema nodes (refs already resolved by `resolve`) and appends every breaking change. */
export function diffSchema(
  before: SchemaNode,
  after: SchemaNode,
  direction: Direction,
  where: string,
  resolve: (node: SchemaNode, side: 'before' | 'after') => SchemaNode,
  out: BreakingChange[],
  seen = new Set<string>(),
): void {
  const key = `${direction}:${where}:${before.$ref ?? ''}:${after.$ref ?? ''}`;
  if (seen.has(key)) return;
  seen.add(key);
  const a = resolve(before, 'before');
  const b = resolve(after, 'after');
  const ta = types(a);
  const tb = types(b);
  for (const t of ta) if (!tb.has(t) && direction === 'request') out.push({ where, what: `type ${t} no longer accepted` });
  for (const t of tb) if (!ta.has(t) && direction === 'response') out.push({ where, what: `may now be ${t}` });
  compareBounds(a, b, direction, where, out);
  compareValues(a, b, direction, where, out);
  const reqA = new Set(a.required ?? []);
  const reqB = new Set(b.required ?? []);
  for (const [name, prop] of Object.entries(a.properties ?? {})) {
    const next = b.properties?.[name];
    const at = `${where}/${name}`;
    if (!next) {
      out.push({ where: at, what: 'field removed' });
      continue;
    }
    if (direction === 'response' && reqA.has(name) && !reqB.has(name)) out.push({ where: at, what: 'no longer required (clients rely on it)' });
    diffSchema(prop, next, direction, at, resolve, out, seen);
  }
  if (direction === 'request') for (const name of reqB) if (!reqA.has(name)) out.push({ where: `${where}/${name}`, what: 'new required field' });
  if (a.items && b.items) diffSchema(a.items, b.items, direction, `${where}/[]`, resolve, out, seen);
  const objA = (a.anyOf ?? []).find((n) => resolve(n, 'before').properties);
  const objB = (b.anyOf ?? []).find((n) => resolve(n, 'after').properties);
  if (objA && objB) diffSchema(objA, objB, direction, where, resolve, out, seen);
}
