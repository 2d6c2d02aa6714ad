import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  codePointLength,
  compileAcceptor,
  compileValidator,
  HeartbeatRequestSchema,
  messageTypes,
  seedHeartbeat,
  validateMessage,
  validatorFor,
  type MessageType,
} from './index.js';

const fast = compileValidator(HeartbeatRequestSchema);

/** Both engines must give the same verdict and, on rejection, the same errors. */
function expectAgreement(value: unknown): boolean {
  const a = fast(value);
  const b = validateMessage(HeartbeatRequestSchema, value);
  expect(a.ok).toBe(b.ok);
  if (!a.ok && !b.ok) expect(a.errors).toEqual(b.errors);
  return a.ok;
}

function withPatch(patch: (hb: Record<string, any>) => void): unknown {
  const hb = seedHeartbeat() as unknown as Record<string, any>;
  patch(hb);
  return hb;
}

describe('compileValidator', () => {
  it('compiles every message type of protocol v1', () => {
    for (const type of Object.keys(messageTypes) as MessageType[]) expect(() => validatorFor(type), type).not.toThrow();
  });

  it('HB-1: accepts the seed example like zod does', () => {
    expect(expectAgreement(seedHeartbeat())).toBe(true);
  });

  it('counts string length in code points like zod (255 emoji fit hostname max 255, 256 do not)', () => {
    expect(expectAgreement(withPatch((hb) => (hb.hardware_inventory.system.hostname = '😀'.repeat(255))))).toBe(true);
    expect(expectAgreement(withPatch((hb) => (hb.hardware_inventory.system.hostname = '😀'.repeat(256))))).toBe(false);
  });

  it('judges code-point lengths on the fast path itself, so zod is not asked again about a valid astral name', () => {
    const accept = compileAcceptor(HeartbeatRequestSchema);
    expect(accept(withPatch((hb) => (hb.hardware_inventory.system.hostname = '😀'.repeat(255))))).toBe(true); // 510 units
    expect(accept(withPatch((hb) => (hb.hardware_inventory.system.hostname = '😀'.repeat(256))))).toBe(false);
    const bounded = compileAcceptor(z.object({ s: z.string().min(16).max(20) }));
    // 8 emoji are 16 units but 8 code points; 15 emoji and a letter are 16 code points in 31 units.
    expect(['😀'.repeat(8), '😀'.repeat(15) + 'a', '😀'.repeat(20), '😀'.repeat(21), 'a'.repeat(16)].map((s) => bounded({ s }))).toEqual([
      false,
      true,
      true,
      false,
      true,
    ]);
  });

  it('counts code points as zod does: a pair once, a lone surrogate as itself', () => {
    expect(['', 'abc', '😀', '😀😀a', '\uD83D', '\uDE00\uD83D', 'a\uD83D\uDE00\uD83D'].map(codePointLength)).toEqual([0, 3, 1, 3, 1, 2, 3]);
  });

  it('never accepts what zod rejects at a minimum length counted in code points (8 emoji = 16 units < 16 code points)', () => {
    const register = validatorFor('register-request');
    for (const fingerprint of ['😀'.repeat(8), '😀'.repeat(15) + 'a', '😀'.repeat(16), 'a'.repeat(16)]) {
      const fast = register({ hardware_fingerprint: fingerprint, hostname: 'pc' });
      expect(fast.ok, fingerprint).toBe(validateMessage(messageTypes['register-request'], { hardware_fingerprint: fingerprint, hostname: 'pc' }).ok);
    }
  });

  it('rejects UUID spellings zod rejects (urn prefix, braces, missing dash)', () => {
    for (const id of ['urn:uuid:3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d', '{3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d}', '3f2b8c1e9a4d-4c7b-8e21-5d6f7a8b9c0d']) {
      expect(expectAgreement(withPatch((hb) => (hb.asset_id = id))), id).toBe(false);
    }
  });

  it('HB-6: enforces real calendar days, leap years included, like zod', () => {
    const verdicts = Object.fromEntries(
      ['2024-02-29T00:00:00', '2000-02-29T00:00:00Z', '1900-02-29T00:00:00', '2025-02-29T00:00:00', '2025-04-31T00:00:00', '2025-12-31T23:59:60Z'].map((ts) => [
        ts,
        expectAgreement(withPatch((hb) => (hb.timestamp = ts))),
      ]),
    );
    expect(verdicts).toEqual({
      '2024-02-29T00:00:00': true,
      '2000-02-29T00:00:00Z': true,
      '1900-02-29T00:00:00': false,
      '2025-02-29T00:00:00': false,
      '2025-04-31T00:00:00': false,
      '2025-12-31T23:59:60Z': false,
    });
  });

  it('agrees on wrong types, huge integers, nulls, arrays for objects and missing fields', () => {
    const cases = [
      (hb: Record<string, any>) => (hb.hardware_inventory.bitlocker.protected_volumes = 1e300),
      (hb: Record<string, any>) => (hb.hardware_inventory.bitlocker.protected_volumes = 1.5),
      (hb: Record<string, any>) => (hb.status = []),
      (hb: Record<string, any>) => (hb.status.cpu_usage = '15'),
      (hb: Record<string, any>) => (hb.hardware_inventory.system.domain = null),
      (hb: Record<string, any>) => delete hb.heartbeat_type,
      (hb: Record<string, any>) => (hb.software_inventory.installed_programs = Array.from({ length: 2001 }, () => ({ name: 'x' }))),
    ];
    expect(cases.map((patch) => expectAgreement(withPatch(patch)))).toEqual([false, false, false, false, true, false, false]);
  });

  it('reports one error for a field of the wrong type, not its length checks too', () => {
    const result = validatorFor('register-request')({ hardware_fingerprint: ['x'], hostname: 'pc' });
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual(['/hardware_fingerprint']);
  });

  it('refuses schemas JSON Schema cannot express exactly, instead of accepting too much', () => {
    expect(() => compileValidator(z.object({ a: z.string().refine((s) => s !== 'x') }))).toThrow(/custom/);
    expect(() => compileValidator(z.object({ n: z.coerce.number() }))).toThrow(/coercion/);
    expect(() => compileValidator(z.string().transform((s) => s.length))).toThrow(/not supported/);
  });
});
