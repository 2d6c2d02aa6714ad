import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { routes } from '../routes.js';
import { specPath } from './write-spec.js';

// A second validator, independent of Redocly (`npm run spec:lint`): the OpenAPI 3.1 JSON Schema itself, through Ajv.
describe('spec/openapi.yaml', () => {
  const doc = parse(readFileSync(specPath, 'utf8')) as {
    paths: Record<string, Record<string, { parameters?: Array<{ in: string; example?: unknown; schema?: { example?: unknown; $ref?: string } }> }>>;
  };

  it('is a valid OpenAPI 3.1 document by the official schema (@seriousme/openapi-schema-validator)', async () => {
    const result = await new Validator().validate(structuredClone(doc) as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('fails a document broken on purpose (the validator is not a no-op)', async () => {
    const broken = structuredClone(doc) as unknown as Record<string, unknown>;
    (broken['paths'] as Record<string, unknown>)['/api/agents'] = { get: { responses: 'none' } };
    expect((await new Validator().validate(broken as unknown as Parameters<Validator['validate']>[0])).valid).toBe(false);
  });

  it('has every operation of the route table, and path parameters carry examples (example-driven tools can call them)', () => {
    for (const r of routes) {
      const op = doc.paths[r.path]?.[r.method];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      for (const p of (op?.parameters ?? []).filter((p) => p.in === 'path'))
        expect(p.example ?? p.schema?.example, `${r.path} ${JSON.stringify(p)}`).toBeDefined();
    }
  });

  it('states the exact asset_id pattern zod enforces, not format: uuid (which ajv-formats reads more loosely)', () => {
    const text = readFileSync(specPath, 'utf8');
    expect(text).not.toMatch(/format: uuid/);
  });
});
