import { pathOf } from '@lanet/contracts';

// The two paths the agent posts to, from the contracts' route table. The table holds every route's zod schemas, so
// the single-file agent replaces this module at build time with the two strings (bundle/build-agent.ts, PERF-3).

/** POST the heartbeat here (HB-1). */
export const HEARTBEAT_PATH = pathOf('postHeartbeat');

/** POST the registration here (REG-1). */
export const REGISTER_PATH = pathOf('registerAgent');
