import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seedSizedHeartbeat } from '@lanet/contracts';
import { redactRecoveryKeys } from './heartbeat-facts.js';
import { redactRecoveryKeysInText } from './redact-text.js';

const seed = Number(process.env.LANET_SEED ?? Date.now() % 2 ** 31);

/** The reference: parse, walk, delete. */
function viaObject(text: string): unknown {
  const value = JSON.parse(text) as Record<string, unknown>;
  redactRecoveryKeys(value);
  return value;
}

/** How many recovery_key members the parsed text holds (what the route passes). */
function count(text: string): number {
  return redactRecoveryKeys(JSON.parse(text) as Record<string, unknown>);
}

const redact = (text: string) => redactRecoveryKeysInText(text, count(text));

describe('text redaction of recovery keys (FLT-3, ESC-1)', () => {
  it('removes the seed payload\'s key and keeps everything else byte for byte', () => {
    const text = JSON.stringify(seedSizedHeartbeat(), null, 1);
    const out = redact(text)!;
    expect(out).not.toContain('recovery_key');
    expect(JSON.parse(out)).toEqual(viaObject(text));
    expect(out.length).toBeLessThan(text.length);
  });

  it('handles first, middle and last members, null values and nesting', () => {
    for (const text of [
      '{"recovery_key":"a"}', '{"recovery_key" : null , "x":1}', '{"x":1,"recovery_key":"a"}', '{"x":1, "recovery_key":"a\\"b", "y":[{"recovery_key":null}]}',
      '{"name":"recovery_key","v":{"recovery_key":"k"}}', '{"a":"\\\\","recovery_key":"z"}',
    ]) {
      const out = redact(text)!;
      expect(out, text).toBeDefined();
      expect(JSON.parse(out), text).toEqual(viaObject(text));
    }
  });

  it('declines the cases it cannot do exactly: escaped spellings, duplicates, non-string values', () => {
    expect(redact('{"recovery\\u005fkey":"a"}')).toBeUndefined();
    expect(redact('{"recovery_key":{"x":1}}')).toBeUndefined();
    expect(redact('{"recovery_key":"a","recovery_key":"b"}')).toBeUndefined(); // duplicate: JSON.parse keeps one
    expect(redact('{"x\\"recovery_key":"a","recovery\\u005fkey":"b"}')).toBeUndefined();
    expect(redact('{"x":"\\u00e9 caf\\u00e9"}')).toBe('{"x":"\\u00e9 caf\\u00e9"}'); // escapes alone are fine
  });

  it(`agrees with the object walk on arbitrary JSON (seed ${seed}; set LANET_SEED to replay)`, () => {
    const key = fc.constantFrom('recovery_key', 'a', 'b', 'name', 'recovery', 'recovery_keys', 'x"recovery_key', 'x\\', 'é');
    const leaf = fc.oneof(fc.string({ unit: 'binary' }), fc.constant(null), fc.integer(), fc.boolean(), fc.constant('recovery_key'), fc.constant('x\\"recovery_key'), fc.constant('\\'));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
    })).node;
    let cut = 0;
    fc.assert(fc.property(fc.dictionary(key, tree, { maxKeys: 5 }), fc.boolean(), (obj, pretty) => {
      const text = JSON.stringify(obj, null, pretty ? 2 : undefined);
      const out = redact(text);
      if (out === undefined) return; // declined: the caller takes the object walk
      if (out !== text) cut++;
      expect(JSON.parse(out)).toEqual(viaObject(text));
    }), { seed, numRuns: 300 });
    expect(cut).toBeGreaterThan(20); // the text path really ran, not only the fallback
  });
});
