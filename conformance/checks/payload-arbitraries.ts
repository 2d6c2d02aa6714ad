// The contracts' generators are the single source of payloads (contracts/arbitraries); the checks import them here.
export { heartbeatArbitrary, invalidHeartbeatArbitrary } from '@lanet/contracts/arbitraries';
export type { HeartbeatArbitraryOptions, LabelledMutation } from '@lanet/contracts/arbitraries';
