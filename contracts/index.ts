/** Public surface of the contracts: every other part of the project imports from here. */
export * from './limits.js';
export * from './primitives.js';
export * from './heartbeat-request.js';
export * from './heartbeat-response.js';
export * from './register.js';
export * from './problem.js';
export * from './fleet.js';
export * from './escrow.js';
export * from './health.js';
export * from './message-types.js';
export * from './json-pointer.js';
export * from './validate-message.js';
export * from './seed-example.js';
export * from './fast-validator.js';
export * from './message-validators.js';
