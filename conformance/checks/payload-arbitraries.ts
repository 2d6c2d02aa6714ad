// The contracts' generators are the single source of payloads (contracts/arbitraries); the checks import them here.
export { heartbeatArbitrary, invalidHeartbeatArbitrary } from '../../contracts/arbitraries/index.js';
export type { HeartbeatArbitraryOptions, LabelledMutation } from '../../contracts/arbitraries/index.js';
