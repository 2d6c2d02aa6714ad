import { crc32, gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertySeed } from '../test-support/property-seed.js';
import { crc32Combine, deflatePart, gzipSpliced } from './gzip-splice.js';

const seed = propertySeed('gzip splice');

describe('gzipSpliced: a stored head and a tail deflated ahead of time make one gzip member', () => {
  it('inflates to head + tail for any texts, including empty, multi-byte and heads over one stored block', () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 3000 }));
    fc.assert(
      fc.property(text, text, fc.nat(3), (head, tail, longHead) => {
        // Now and then a head past 65,535 bytes, which needs two stored blocks.
        const h = longHead === 0 ? head + 'x'.repeat(70_000) : head;
        const out = gzipSpliced(h, deflatePart(tail));
        // Each part is UTF-8 encoded on its own (a surrogate pair split between them is two U+FFFD).
        expect(gunzipSync(out).equals(Buffer.concat([Buffer.from(h, 'utf8'), Buffer.from(tail, 'utf8')]))).toBe(true);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('fails to inflate when a byte of the tail is changed (the CRC and the length are checked)', () => {
    const out = gzipSpliced('{"a":1', deflatePart(',"b":"' + 'z'.repeat(500) + '"}'));
    const corrupt = Buffer.from(out);
    corrupt[corrupt.length - 9]! ^= 0x01; // last byte of the deflate stream
    expect(() => gunzipSync(corrupt)).toThrow();
    const badLength = Buffer.from(out);
    badLength[badLength.length - 4]! ^= 0x01;
    expect(() => gunzipSync(badLength)).toThrow();
  });

  it('crc32Combine agrees with zlib over the concatenation', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.uint8Array({ maxLength: 5000 }), (a, b) => {
        const whole = crc32(Buffer.concat([a, b]));
        expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(whole);
      }),
      { seed, numRuns: 300 },
    );
  });
});

describe('deflatePart keeps only its own bytes', () => {
  it("holds a buffer the deflated size, not zlib's 16 KB output chunk (one per simulated agent)", () => {
    const part = deflatePart(`,"programs":"${'abc'.repeat(1000)}"}`);
    expect(part.deflated.buffer.byteLength).toBe(part.deflated.length);
  });
});
