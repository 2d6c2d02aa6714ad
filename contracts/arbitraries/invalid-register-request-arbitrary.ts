import fc from 'fast-check';
import { RegisterRequestSchema } from '../index.js';
import { applyMutation } from './invalid-heartbeat-arbitrary.js';
import type { LabelledMutation } from './invalid-heartbeat-arbitrary.js';
import { mutationSpecs } from './mutation-catalog.js';
import { registerRequestArbitrary } from './register-request-arbitrary.js';

/**
 * An invalid registration request breaking exactly one rule at exactly one JSON Pointer: a fingerprint too short to
 * be unguessable or too long, a missing or empty hostname, wrong types, strings past their max. A conforming server
 * answers 400 naming the pointer (HB-3's rule applied to REG-1), never 201 and never 5xx (GEN-6).
 */
export function invalidRegisterRequestArbitrary(): fc.Arbitrary<LabelledMutation> {
  const specs = mutationSpecs(RegisterRequestSchema);
  return fc.tuple(registerRequestArbitrary(), fc.constantFrom(...specs), fc.nat()).map(([base, spec, pick]) => applyMutation(base, spec, pick));
}
