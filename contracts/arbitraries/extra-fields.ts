import fc from 'fast-check';
import { unicodeText } from './unicode-text.js';

// HB-5: newer agents add fields anywhere; a conforming server accepts and ignores them, and read-back (FLT-3)
// returns them as sent. Keys come from a safe alphabet so a generated key never equals a known field, `__proto__`
// or anything JSON Pointer needs to escape differently from its neighbours.
const EXTRA_KEY_NAMES = ['gpu_usage', 'temperature_c', 'tpm_version', 'secure_boot', 'uptime_s', 'battery', 'vendor_data', 'tags', 'ext', 'agent_flags'];

/** An unknown field name that no contract object uses. */
const extraKeyArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...EXTRA_KEY_NAMES).map((k) => `x_${k}`),
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_'.split('')), minLength: 1, maxLength: 12 }).map((k) => `x_${k}`),
);

/** A JSON scalar an unknown field might carry (finite numbers only, no -0, so JSON round-trips it exactly). */
const extraScalarArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
  fc.boolean(),
  fc.constant(null),
  unicodeText({ maxLength: 24 }),
);

/** An unknown field's value: a scalar, or objects and arrays nesting to depth 3 (so extras reach random depths). */
const extraValueArbitrary: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    extraScalarArbitrary,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(extraKeyArbitrary, tie('value'), { maxKeys: 3, noNullPrototype: true }),
  ),
})).value;

/** Zero to three unknown fields, as a plain object to spread into a contract object. */
export const extraFieldsArbitrary: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(extraKeyArbitrary, extraValueArbitrary, {
  maxKeys: 3,
  noNullPrototype: true,
});

/** Unknown fields about one time in four, else undefined (nothing to add). */
export const maybeExtraFieldsArbitrary: fc.Arbitrary<Record<string, unknown> | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: extraFieldsArbitrary },
);

/** Adds unknown fields (HB-5) to the objects `arb` generates, about one time in four, when `enabled`. */
export function withExtras<T extends object>(arb: fc.Arbitrary<T>, enabled: boolean): fc.Arbitrary<T> {
  if (!enabled) return arb;
  return fc.tuple(arb, maybeExtraFieldsArbitrary).map(([value, extras]) => (extras === undefined ? value : { ...extras, ...value }));
}

/**
 * Adds unknown fields (HB-5) to up to three elements of each list `arb` generates, when `enabled`. Cheaper than
 * {@link withExtras} per element, which matters for 500-program inventories.
 */
export function withExtrasInList<T extends object>(arb: fc.Arbitrary<T[]>, enabled: boolean): fc.Arbitrary<T[]> {
  if (!enabled) return arb;
  return fc.tuple(arb, fc.array(fc.tuple(fc.nat(), extraFieldsArbitrary), { maxLength: 3 })).map(([list, additions]) => {
    if (list.length === 0) return list;
    const out = [...list];
    for (const [index, extras] of additions) out[index % out.length] = { ...extras, ...out[index % out.length]! };
    return out;
  });
}
