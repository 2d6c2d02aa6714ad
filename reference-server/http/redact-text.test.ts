import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seedSizedHeartbeat } from '../../contracts/index.js';
import { redactRecoveryKeys } from './heartbeat-facts.js';
import { redactRecoveryKeysInText } from './redact-text.js';

const seed = Number(process.env.LANET_SEED ?? Date.now() % 2 ** 31);

/** The reference: parse, walk, delete. */
function viaObject(text: string): unknown {
  const value = JSON.parse(text) as Record<string, unknown>;
  redactRecoveryKeys(value);
  return value;
}

describe('text redaction of recovery keys (FLT-3, ESC-1)', () => {
  it('removes the seed payload\'s key and keeps everything else byte for byte', () => {
    const text = JSON.stringify(seedSizedHeartbeat(), null, 1);
    const out = redactRecoveryKeysInText(text)!;
    expect(out).not.toContain('recovery_key');
    expect(JSON.parse(out)).toEqual(viaObject(text));
    expect(out.length).toBeLessThan(text.length);
  });

  it('handles first, middle and last members, null values and nesting', () => {
    for (const text of [
      '{"recovery_key":"a"}', '{"recovery_key" : null , "x":1}', '{"x":1,"recovery_key":"a"}', '{"x":1, "recovery_key":"a\\"b", "y":[{"recovery_key":null}]}',
      '{"name":"recovery_key","v":{"recovery_key":"k"}}', '{"a":"\\\\","recovery_key":"z"}',
    ]) {
      const out = redactRecoveryKeysInText(text)!;
      expect(out, text).toBeDefined();
      expect(JSON.parse(out), text).toEqual(viaObject(text));
    }
  });

  it('declines the cases it cannot do exactly: escaped keys, non-string keys values', () => {
    expect(redactRecoveryKeysInText('{"recovery\\u005fkey":"a"}')).toBeUndefined();
    expect(redactRecoveryKeysInText('{"recovery_key":{"x":1}}')).toBeUndefined();
    expect(redactRecoveryKeysInText('{"x":"\\u0041"}')).toBeUndefined();
  });

  it(`agrees with the object walk on arbitrary JSON (seed ${seed}; set LANET_SEED to replay)`, () => {
    const key = fc.constantFrom('recovery_key', 'a', 'b', 'name', 'recovery', 'recovery_keys');
    const leaf = fc.oneof(fc.string(), fc.constant(null), fc.integer(), fc.boolean(), fc.constant('recovery_key'), fc.constant('x\\"y'));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(fc.property(fc.dictionary(key, tree, { maxKeys: 5 }), fc.boolean(), (obj, pretty) => {
      const text = JSON.stringify(obj, null, pretty ? 2 : undefined);
      const out = redactRecoveryKeysInText(text);
      if (out === undefined) return; // declined: the caller takes the object walk
      expect(JSON.parse(out)).toEqual(viaObject(text));
    }), { seed, numRuns: 300 });
  });
});
