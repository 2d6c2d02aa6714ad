import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { z } from 'zod';
import { assertRepresentable } from '@lanet/contracts';
import { agentSchemas } from '../checks/agent-schemas.js';

// ajv's standalone entry is CommonJS: Node's ESM loader hands over module.exports, whose `default` is the function.
const standaloneCode = standaloneModule.default;

/**
 * The source of the module that replaces checks/agent-checks.ts in the single-file agent (PERF-3): every schema of
 * checks/agent-schemas.ts turned into JSON Schema by zod and compiled by Ajv into plain JavaScript at build time,
 * so the agent checks what it reads and sends without loading zod (~6 MB of RSS) or Ajv's compiler. The verdict is
 * zod's: assertRepresentable refuses any schema whose JSON Schema would be looser, Ajv counts string lengths in code
 * points as zod does, and compiled-checks.test.ts checks that both agree. Messages are Ajv's (`must be boolean`,
 * `required`) at the same JSON Pointers; the TypeScript agent keeps zod's wording.
 */
export function compiledChecksSource(): string {
  // validateFormats: false as in the contracts' fast validator: every format zod emits also carries a pattern.
  const ajv = new Ajv2020({ allErrors: false, strict: false, validateFormats: false, code: { source: true, esm: true } });
  const names = Object.keys(agentSchemas) as Array<keyof typeof agentSchemas>;
  for (const name of names) {
    const schema: z.ZodType = agentSchemas[name];
    assertRepresentable(schema, name);
    ajv.addSchema(z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' }) as object, name);
  }
  const validators = standaloneCode(ajv, Object.fromEntries(names.map((n) => [`check_${n}`, n])));
  return `${validators}
const checks = { ${names.map((n) => `${JSON.stringify(n)}: check_${n}`).join(', ')} };
export const checkEngine = 'compiled';
const escapePointer = (key) => String(key).replace(/~/g, '~0').replace(/\\//g, '~1');
/** Ajv's first error as the contracts' { path, message }: a missing member is "required" at its own pointer (HB-3). */
function fieldError(e) {
  if (e.keyword === 'required') return { path: e.instancePath + '/' + escapePointer(e.params.missingProperty), message: 'required' };
  return { path: e.instancePath, message: e.message || 'invalid' };
}
export function check(name, value) {
  const validate = checks[name];
  if (validate === undefined) throw new Error('no compiled check named ' + name);
  if (validate(value)) return { ok: true, value };
  return { ok: false, errors: (validate.errors || []).map(fieldError) };
}
`;
}
