import fc from 'fast-check';

/** Days in a month of the proleptic Gregorian calendar (leap years included, so 2024-02-29 is generated). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** A real calendar date-time, parts as numbers. */
interface DateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Real calendar days: mostly this decade, sometimes far past or future (still four-digit years). */
const datePartsArbitrary: fc.Arbitrary<DateTimeParts> = fc
  .record({
    year: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 2024, max: 2027 }) }, { weight: 1, arbitrary: fc.integer({ min: 1990, max: 2099 }) }),
    month: fc.integer({ min: 1, max: 12 }),
    dayRank: fc.nat(30),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
  })
  .map(({ dayRank, ...p }) => ({ ...p, day: 1 + (dayRank % daysInMonth(p.year, p.month)) }));

/** Fraction digits: none, Python's 6 (the deployed agent), JavaScript's 3, or anything 1..9 the pattern allows. */
const fractionArbitrary: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  {
    weight: 3,
    arbitrary: fc
      .integer({ min: 1, max: 9 })
      .chain((n) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n }))
      .map((d) => '.' + d),
  },
);

/** Real UTC offsets, including the half- and quarter-hour ones (India, Nepal, Chatham) and the extremes. */
const offsetArbitrary: fc.Arbitrary<string> = fc.constantFrom(
  '+00:00',
  '+01:00',
  '+02:00',
  '-05:00',
  '-08:00',
  '+05:30',
  '+05:45',
  '+09:00',
  '-03:30',
  '+12:45',
  '+14:00',
  '-12:00',
);

/** Which zone designator an agent timestamp carries (HB-6: naive is the deployed agent's form). */
export type TimestampZone = 'naive' | 'Z' | 'offset';

/**
 * An agent timestamp (HB-6): RFC 3339 with Z or an offset, or naive as Python's isoformat() prints it;
 * always a real calendar day; `T`/`Z` sometimes lower-case as RFC 3339 allows.
 */
export function agentTimestampArbitrary(zones: readonly TimestampZone[] = ['naive', 'Z', 'offset']): fc.Arbitrary<string> {
  const zone = fc.constantFrom(...zones).chain((z) => (z === 'naive' ? fc.constant('') : z === 'Z' ? fc.constantFrom('Z', 'Z', 'Z', 'z') : offsetArbitrary));
  return fc
    .tuple(datePartsArbitrary, fractionArbitrary, zone, fc.constantFrom('T', 'T', 'T', 'T', 't'))
    .map(([p, fraction, z, t]) => `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}${t}${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${fraction}${z}`);
}

/** Options of zod's `z.iso.datetime()` (read from the schema's def). */
export interface IsoDateTimeOptions {
  offset?: boolean;
  local?: boolean;
  /** null: any fraction; -1: minutes only; 0: whole seconds; n: exactly n digits. */
  precision?: number | null;
}

/** A date-time string `z.iso.datetime(options)` accepts: Z always, offsets and the local form when allowed. */
export function isoDateTimeArbitrary(options: IsoDateTimeOptions = {}): fc.Arbitrary<string> {
  const precision = options.precision ?? null;
  const zones = ['Z', ...(options.offset ? ['offset'] : []), ...(options.local ? ['local'] : [])];
  const fraction =
    precision === null
      ? fractionArbitrary
      : precision <= 0
        ? fc.constant('')
        : fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: precision, maxLength: precision }).map((d) => '.' + d);
  return fc.tuple(datePartsArbitrary, fraction, fc.constantFrom(...zones), offsetArbitrary).map(([p, f, zone, offset]) => {
    const hhmm = `${pad(p.hour)}:${pad(p.minute)}`;
    const time = precision === -1 ? hhmm : `${hhmm}:${pad(p.second)}${f}`;
    const designator = zone === 'Z' ? 'Z' : zone === 'offset' ? offset : '';
    return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${time}${designator}`;
  });
}
