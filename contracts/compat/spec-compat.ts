import { exactUuids } from '../openapi/build-spec.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { diffSchema, type BreakingChange, type SchemaNode } from './schema-diff.js';

/** An OpenAPI document, as far as the compatibility check reads it. */
type Spec = {
  info?: { version?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, SchemaNode> };
};
type Operation = {
  requestBody?: { content?: Record<string, { schema?: SchemaNode }> };
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: SchemaNode }>;
  responses?: Record<string, { content?: Record<string, { schema?: SchemaNode }> }>;
};

/** Folder of released spec snapshots (`openapi-<version>.yaml`), the last of which new contracts must stay compatible with. */
export const releasedDir = fileURLToPath(new URL('../../spec/released/', import.meta.url));

/** Reads the newest released snapshot, by semantic version in its file name. */
export function readLastReleased(dir = releasedDir): { version: string; spec: Spec } {
  const files = readdirSync(dir).filter((f) => /^openapi-\d+\.\d+\.\d+\.yaml$/.test(f));
  if (files.length === 0) throw new Error(`No released spec in ${dir}. Copy spec/openapi.yaml to ${dir}openapi-<version>.yaml when you release.`);
  const version = (f: string) => f.slice('openapi-'.length, -'.yaml'.length).split('.').map(Number);
  files.sort((x, y) => {
    const [a, b] = [version(x), version(y)];
    return a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
  });
  const last = files[files.length - 1]!;
  const spec = parse(readFileSync(join(dir, last), 'utf8')) as Spec;
  // 1.0.0 said `format: uuid` where later specs state zod's exact pattern: the same rule, spelled two ways.
  exactUuids(spec);
  return { version: last.slice('openapi-'.length, -'.yaml'.length), spec };
}

function resolver(before: Spec, after: Spec) {
  return (node: SchemaNode, side: 'before' | 'after'): SchemaNode => {
    const doc = side === 'before' ? before : after;
    let current = node;
    for (let hops = 0; current.$ref && hops < 16; hops += 1) {
      const name = current.$ref.replace('#/components/schemas/', '');
      current = doc.components?.schemas?.[name] ?? {};
    }
    return current;
  };
}

/** Lists every change from `before` to `after` that breaks an agent or a client written against `before`. */
export function findBreakingChanges(before: Spec, after: Spec): BreakingChange[] {
  const out: BreakingChange[] = [];
  const resolve = resolver(before, after);
  for (const [path, ops] of Object.entries(before.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      const where = `${method.toUpperCase()} ${path}`;
      const next = after.paths?.[path]?.[method];
      if (!next) {
        out.push({ where, what: 'operation removed' });
        continue;
      }
      const reqA = op.requestBody?.content?.['application/json']?.schema;
      const reqB = next.requestBody?.content?.['application/json']?.schema;
      if (reqA && reqB) diffSchema(reqA, reqB, 'request', `${where} request`, resolve, out);
      const paramsA = new Map((op.parameters ?? []).map((p) => [`${p.in}:${p.name}`, p]));
      for (const p of next.parameters ?? []) {
        const old = paramsA.get(`${p.in}:${p.name}`);
        if (!old && p.required) out.push({ where: `${where} ${p.in} parameter ${p.name}`, what: 'new required parameter' });
        if (old?.schema && p.schema) diffSchema(old.schema, p.schema, 'request', `${where} ${p.in} parameter ${p.name}`, resolve, out);
      }
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          const other = next.responses?.[status]?.content?.[type]?.schema;
          if (!other) {
            out.push({ where: `${where} ${status} ${type}`, what: 'response removed' });
            continue;
          }
          if (media.schema) diffSchema(media.schema, other, 'response', `${where} ${status}`, resolve, out);
        }
      }
    }
  }
  return out;
}

/** Formats breaking changes one per line for a test failure or a CLI. */
export function formatBreakingChanges(changes: readonly BreakingChange[]): string {
  return changes.map((c) => `  ${c.where}: ${c.what}`).join('\n');
}
