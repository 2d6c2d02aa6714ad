/** fast-check arbitraries for the LANET contracts: valid messages, labelled single-rule mutations, replayable seeds. */
export { heartbeatArbitrary, MAX_GENERATED_BYTES } from './heartbeat-arbitrary.js';
export type { HeartbeatArbitraryOptions } from './heartbeat-arbitrary.js';
export { registerRequestArbitrary } from './register-request-arbitrary.js';
export { invalidHeartbeatArbitrary, heartbeatMutationSpecs, applyMutation, mutationBaseArbitrary } from './invalid-heartbeat-arbitrary.js';
export type { LabelledMutation } from './invalid-heartbeat-arbitrary.js';
export { invalidRegisterRequestArbitrary } from './invalid-register-request-arbitrary.js';
export { mutationSpecs } from './mutation-catalog.js';
export type { MutationKind, MutationSpec } from './mutation-catalog.js';
export { arbitraryFromSchema } from './from-schema.js';
export { minimalValue } from './minimal-value.js';
export { agentTimestampArbitrary, isoDateTimeArbitrary } from './timestamps.js';
export type { TimestampZone } from './timestamps.js';
export { propertySeed } from './property-seed.js';
