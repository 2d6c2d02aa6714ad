import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileAcceptor, messageTypes, validateMessage, validatorFor } from '../index.js';
import type { MessageType } from '../index.js';
import { arbitraryFromSchema, heartbeatArbitrary, invalidHeartbeatArbitrary, propertySeed } from './index.js';

// `lanet validate` and the servers use the compiled validator (Ajv first, zod on rejection). Only an Ajv accept can
// diverge from zod, so the properties below feed it what the arbitraries know to be valid or invalid.
const seed = propertySeed();
console.log('seed', seed, '(replay with LANET_SEED)');

describe('compiled validator agrees with the contract on generated messages', () => {
  it('HB-2: accepts every generated valid heartbeat (extremes included: 256-character unicode names, 500 programs)', () => {
    const fast = validatorFor('heartbeat');
    fc.assert(
      fc.property(heartbeatArbitrary(), (hb) => {
        const result = fast(hb);
        expect(result.ok ? [] : result.errors).toEqual([]);
      }),
      { seed, numRuns: 40 },
    );
  });

  it('string bounds in code points: the fast path accepts exactly what zod accepts, surrogates and all', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 24 }), fc.nat(12), fc.nat(12), (s, min, span) => {
        const schema = z.object({
          s: z
            .string()
            .min(min)
            .max(min + span),
        });
        expect(compileAcceptor(schema)({ s }), JSON.stringify(s)).toBe(schema.safeParse({ s }).success);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('HB-3: rejects every single-rule mutation at exactly its pointer, as zod does', () => {
    const fast = validatorFor('heartbeat');
    fc.assert(
      fc.property(invalidHeartbeatArbitrary(), (m) => {
        const result = fast(m.payload);
        expect(result.ok ? [] : result.errors.map((e) => e.path), m.label).toEqual([m.pointer]);
      }),
      { seed, numRuns: 150 },
    );
  });

  it('accepts every generated value of every message type, as zod does', () => {
    for (const name of Object.keys(messageTypes) as MessageType[]) {
      const fast = validatorFor(name);
      const schema = messageTypes[name];
      fc.assert(
        fc.property(arbitraryFromSchema(schema), (value) => {
          expect(fast(value).ok, name).toBe(validateMessage(schema, value).ok);
        }),
        { seed, numRuns: 25 },
      );
    }
  });
});
