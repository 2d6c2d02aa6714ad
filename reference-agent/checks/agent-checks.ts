import { validateMessage, type ValidationResult } from '@lanet/contracts';
import { agentSchemas, type CheckName, type Checked } from './agent-schemas.js';

export type { CheckName, Checked } from './agent-schemas.js';

/** Which engine runs the checks: zod here; the single-file agent swaps this module for precompiled checks. */
export const checkEngine: 'zod' | 'compiled' = 'zod';

/**
 * Checks `value` against the agent's schema `name` (agent-schemas.ts) and reports each violation as a JSON Pointer
 * and a message. The single-file agent replaces this module at build time with the same table compiled to plain
 * JavaScript (bundle/compiled-checks.ts), which gives the same verdict without loading zod (PERF-3).
 */
export function check<K extends CheckName>(name: K, value: unknown): ValidationResult<Checked<K>> {
  return validateMessage(agentSchemas[name], value) as ValidationResult<Checked<K>>;
}
