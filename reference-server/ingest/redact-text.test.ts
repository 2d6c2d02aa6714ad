import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seedSizedHeartbeat } from '@lanet/contracts';
import { propertySeed } from '@lanet/contracts/arbitraries/property-seed';
import { findDuplicateMember } from '../http/duplicate-members.js';
import { redactRecoveryKeys } from './heartbeat-facts.js';
import { cutSpans, scanJsonText } from './redact-text.js';

const seed = propertySeed();

/** The reference: parse, walk, delete. */
function viaObject(text: string): unknown {
  const value = JSON.parse(text) as Record<string, unknown>;
  redactRecoveryKeys(value);
  return value;
}

/** What prepareHeartbeat does: 'duplicate' when the text repeats a name, undefined when it must serialise, else the cut text. */
function redact(text: string): string | 'duplicate' | undefined {
  const walked = redactRecoveryKeys(JSON.parse(text) as Record<string, unknown>);
  const scan = scanJsonText(text);
  if (scan.members !== walked.members) return 'duplicate';
  return scan.keyCuts?.length === walked.removed ? cutSpans(text, scan.keyCuts) : undefined;
}

describe('text redaction of recovery keys (FLT-3, ESC-1)', () => {
  it("removes the seed payload's key and keeps everything else byte for byte", () => {
    const text = JSON.stringify(seedSizedHeartbeat(), null, 1);
    const out = redact(text)!;
    expect(out).not.toContain('recovery_key');
    expect(JSON.parse(out)).toEqual(viaObject(text));
    expect(out.length).toBeLessThan(text.length);
  });

  it('handles first, middle and last members, null values, nesting and escaped spellings of the name', () => {
    for (const text of [
      '{"recovery_key":"a"}',
      '{"recovery_key" : null , "x":1}',
      '{"x":1,"recovery_key":"a"}',
      '{"x":1, "recovery_key":"a\\"b", "y":[{"recovery_key":null}]}',
      '{"name":"recovery_key","v":{"recovery_key":"k"}}',
      '{"a":"\\\\","recovery_key":"z"}',
      '{"recovery\\u005fkey":"a"}',
      '{"x":{"\\u0072ecovery_key":"a","y":1}}',
      '{"x\\"recovery_key":"a","recovery\\u005Fkey":"b"}',
    ]) {
      const out = redact(text)!;
      expect(out, text).toBeTypeOf('string');
      expect(out, text).not.toMatch(/(?<!\\)"(recovery_key|recovery\\u005fkey|\\u0072ecovery_key)"\s*:/i);
      expect(JSON.parse(out), text).toEqual(viaObject(text));
    }
    expect(redact('{"x":"\\u00e9 caf\\u00e9"}')).toBe('{"x":"\\u00e9 caf\\u00e9"}'); // escapes alone are fine
  });

  it('declines a key with another value type, and tells duplicates apart however they are spelled', () => {
    expect(redact('{"recovery_key":{"x":1}}')).toBeUndefined();
    expect(redact('{"recovery_key":"a","recovery_key":"b"}')).toBe('duplicate');
    expect(redact('{"v":{"recovery_key":null,"recovery\\u005fkey":"b"}}')).toBe('duplicate');
    expect(redact('{"a":[1,{"b":2,"\\u0062":3}]}')).toBe('duplicate');
    expect(findDuplicateMember('{"a":[1,{"b":2,"\\u0062":3}]}')).toBe('/a/1/b');
    expect(findDuplicateMember('{"a":[[],{"x":[]},{"k/~":{},"k/~":1}]}')).toBe('/a/2/k~1~0');
    expect(findDuplicateMember('{"a":{"b":1},"c":{"b":1},"d":"\\"b\\":"}')).toBeUndefined();
  });

  it(`agrees with the object walk on arbitrary JSON, any key spelling (seed ${seed}; set LANET_SEED to replay)`, () => {
    const key = fc.constantFrom(
      'recovery_key',
      'recovery\\u005fkey',
      '\\u0072ecovery_key',
      'a',
      'b',
      'name',
      'recovery',
      'recovery_keys',
      'x"recovery_key',
      'x\\',
      'é',
    );
    const leaf = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.constant(null),
      fc.integer(),
      fc.boolean(),
      fc.constant('recovery_key'),
      fc.constant('x\\"recovery_key'),
      fc.constant('\\'),
    );
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
    })).node;
    let cut = 0;
    let escapedCut = 0;
    fc.assert(
      fc.property(fc.dictionary(key, tree, { maxKeys: 5 }), fc.boolean(), (obj, pretty) => {
        // JSON.stringify escapes the backslash of a key spelled '\u005f': unescape it so the text spells the name escaped.
        const text = JSON.stringify(obj, null, pretty ? 2 : undefined)
          .replaceAll('"recovery\\\\u005fkey"', '"recovery\\u005fkey"')
          .replaceAll('"\\\\u0072ecovery_key"', '"\\u0072ecovery_key"');
        const out = redact(text);
        if (out === 'duplicate') {
          expect(findDuplicateMember(text)).toBeDefined();
          return;
        }
        expect(findDuplicateMember(text)).toBeUndefined();
        if (out === undefined) return; // declined: the caller serialises the walked object
        if (out !== text) cut++;
        if (/recovery\\u005fkey|\\u0072ecovery/.test(text)) escapedCut++;
        expect(JSON.parse(out)).toEqual(viaObject(text));
        expect(out).not.toMatch(/(?<!\\)"(recovery_key|recovery\\u005fkey|\\u0072ecovery_key)"\s*:/);
      }),
      { seed, numRuns: 500 },
    );
    expect(cut).toBeGreaterThan(10); // the text path really ran, not only the fallback
    expect(escapedCut).toBeGreaterThan(5);
  });
});
