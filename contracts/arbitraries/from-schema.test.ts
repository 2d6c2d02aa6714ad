import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { messageTypes, RegisterRequestSchema, validateMessage } from '../index.js';
import { applyMutation, arbitraryFromSchema, invalidRegisterRequestArbitrary, mutationSpecs, propertySeed, registerRequestArbitrary } from './index.js';

const seed = propertySeed();
console.log('seed', seed, '(replay with LANET_SEED)');

describe('arbitraryFromSchema', () => {
  for (const [name, schema] of Object.entries(messageTypes)) {
    it(`every generated ${name} message passes its contract schema`, () => {
      fc.assert(
        fc.property(arbitraryFromSchema(schema), (value) => {
          const result = validateMessage(schema, value);
          expect(result.ok ? [] : result.errors).toEqual([]);
        }),
        { seed, numRuns: name === 'heartbeat-history' || name === 'agent-detail' ? 60 : name === 'heartbeat' ? 60 : 150 },
      );
    });
  }

  it('generates every construct it claims: union, tuple, record, literal, default, exclusive bounds, multipleOf, regex, uuid v4, local datetime', () => {
    const schema = z.object({
      choice: z.union([z.literal('a'), z.number().int().gt(0).lt(10)]),
      pair: z.tuple([z.boolean(), z.string().length(3)]),
      tags: z.record(z.string().min(1).max(8), z.number().multipleOf(5).min(-50).max(50)),
      fallback: z.string().max(4).default('none'),
      ratio: z.number().gt(0).lt(1),
      code: z.string().regex(/^[A-Z]{2}-\d{3}$/),
      id: z.uuid({ version: 'v4' }),
      when: z.iso.datetime({ local: true, precision: 3 }),
      day: z.iso.date(),
      maybe: z.string().nullable().optional(),
      small: z.array(z.number().int()).min(2).max(3),
    });
    fc.assert(
      fc.property(arbitraryFromSchema(schema), (value) => {
        const result = validateMessage(schema, value);
        expect(result.ok ? [] : result.errors).toEqual([]);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('leaves optional keys out sometimes and puts them in sometimes', () => {
    const samples = fc.sample(arbitraryFromSchema(z.object({ a: z.string().optional(), b: z.number() })), { seed, numRuns: 100 });
    expect(samples.every((s) => 'b' in s)).toBe(true);
    expect(samples.some((s) => 'a' in s)).toBe(true);
    expect(samples.some((s) => !('a' in s))).toBe(true);
  });

  it('generates only what JSON carries: no NaN, no Infinity, no -0, no undefined values', () => {
    const schema = z.object({ n: z.number(), m: z.number().min(-1).max(1), o: z.number().optional() });
    fc.assert(
      fc.property(arbitraryFromSchema(schema), (value) => {
        for (const v of Object.values(value)) {
          expect(v).not.toBeUndefined();
          expect(Number.isFinite(v)).toBe(true);
          expect(Object.is(v, -0)).toBe(false);
        }
      }),
      { seed, numRuns: 300 },
    );
  });

  it('names the unsupported construct and its JSON Pointer instead of generating wrong values', () => {
    expect(() => arbitraryFromSchema(z.object({ outer: z.object({ when: z.date() }) }))).toThrow(/zod type 'date' at '\/outer\/when'.*from-schema\.ts/);
    expect(() => arbitraryFromSchema(z.object({ mail: z.email() }))).toThrow(/string format 'email' at '\/mail'/);
  });

  it('honours refinements it cannot read by keeping only values the schema accepts', () => {
    const even = z
      .number()
      .int()
      .min(0)
      .max(100)
      .refine((n) => n % 2 === 0);
    const samples = fc.sample(arbitraryFromSchema(even), { seed, numRuns: 100 });
    expect(samples.every((n) => n % 2 === 0)).toBe(true);
  });
});

describe('registerRequestArbitrary', () => {
  it('REG-1: every generated registration request passes the contract', () => {
    fc.assert(
      fc.property(registerRequestArbitrary(), (request) => {
        const result = validateMessage(RegisterRequestSchema, request);
        expect(result.ok ? [] : result.errors).toEqual([]);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('REG-3: fingerprints vary (sha256-prefixed, bare hex, base64), so registrations are distinct machines', () => {
    const prints = fc.sample(registerRequestArbitrary(), { seed, numRuns: 200 }).map((r) => r.hardware_fingerprint);
    expect(new Set(prints).size).toBeGreaterThan(190);
    expect(prints.some((p) => p.startsWith('sha256:'))).toBe(true);
    expect(prints.some((p) => /^[0-9a-f]{64}$/.test(p))).toBe(true);
    expect(prints.some((p) => p.endsWith('='))).toBe(true);
  });

  it('REG-1: every invalid registration request fails with exactly one error at its labelled pointer', () => {
    fc.assert(
      fc.property(invalidRegisterRequestArbitrary(), (m) => {
        const result = validateMessage(RegisterRequestSchema, m.payload);
        expect(result.ok ? [] : result.errors.map((e) => e.path), m.label).toEqual([m.pointer]);
      }),
      { seed, numRuns: 300 },
    );
    const rules = mutationSpecs(RegisterRequestSchema).map((s) => `${s.path.join('/')} ${s.rule}`);
    expect(rules).toEqual(
      expect.arrayContaining(['hardware_fingerprint min length 16', 'hardware_fingerprint max length 256', 'hostname required', 'hostname min length 1']),
    );
  });

  it('derives single-rule mutations for the other message types too (server timestamps, intervals, literals)', () => {
    const schema = messageTypes['heartbeat-response'];
    const [base] = fc.sample(arbitraryFromSchema(schema), { seed, numRuns: 1 });
    const failures: string[] = [];
    for (const spec of mutationSpecs(schema)) {
      for (let pick = 0; pick < Math.max(1, spec.values().length); pick++) {
        const m = applyMutation(base, spec, pick);
        const result = validateMessage(schema, m.payload);
        const paths = result.ok ? [] : result.errors.map((e) => e.path);
        if (paths.length !== 1 || paths[0] !== m.pointer) failures.push(`${m.label}: got ${JSON.stringify(paths)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(mutationSpecs(schema).map((s) => `${s.path.join('/')} ${s.rule}`)).toEqual(
      expect.arrayContaining(['received_at format date-time', 'next_heartbeat_in_s min 60', 'next_heartbeat_in_s max 3600', 'next_heartbeat_in_s integer']),
    );
  });
});
