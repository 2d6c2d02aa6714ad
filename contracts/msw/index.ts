/** MSW handlers for agent developers' unit tests: contract-validating, with injectable faults. */
export { createLanetHandlers, type FaultSpec, type LanetHandlerOptions, type LanetHandlers, type RecordedRequest } from './lanet-handlers.js';
