import fc from 'fast-check';
import { heartbeatMutationSpecs, applyMutation, mutationBaseArbitrary } from './invalid-heartbeat-arbitrary.js';
import { HeartbeatRequestSchema, validateMessage } from '../index.js';
const specs = heartbeatMutationSpecs();
console.log('specs', specs.length);
const bases = fc.sample(mutationBaseArbitrary(), { numRuns: 5, seed: 9 });
let fails = 0; let maxBytes = 0;
for (const spec of specs) for (let b = 0; b < bases.length; b++) for (let pick = 0; pick < 6; pick++) {
  const m = applyMutation(bases[b], spec, pick);
  maxBytes = Math.max(maxBytes, Buffer.byteLength(JSON.stringify(m.payload) ?? ''));
  const r = validateMessage(HeartbeatRequestSchema, m.payload);
  const paths = r.ok ? [] : r.errors.map((e) => e.path);
  if (paths.length !== 1 || paths[0] !== m.pointer) { fails++; if (fails < 15) console.log(m.label, paths, r.ok ? '' : r.errors.map(e=>e.message)); }
}
console.log({ fails, maxBytes });
