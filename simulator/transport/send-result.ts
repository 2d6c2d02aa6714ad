import type { SendOutcome } from '@lanet/reference-agent/scheduler/scheduler-types';
import type { FieldError } from '@lanet/contracts';

/** A heartbeat send as the simulator saw it: the scheduler's outcome plus what the checks need. */
export interface SendResult {
  outcome: SendOutcome;
  /** HTTP status, or 0 when no response arrived (network error, timeout). */
  status: number;
  /** HB-3: the `errors` of a 400 problem+json body. */
  fieldErrors?: FieldError[];
  /** Why the answer did not fit the contract (a 200 that is not a HeartbeatResponse, a 400 without errors). */
  contractViolation?: string;
  /** Short error label for the summary's "errors by kind" (e.g. ECONNRESET, timeout, http-503). */
  errorKind?: string;
}

/** Maps an HTTP status (and Retry-After) to the scheduler's outcome kinds (AG-2, AG-3, AG-4, AG-6). */
export function outcomeForStatus(status: number, retryAfterHeader: string | undefined): SendOutcome {
  if (status === 401) return { kind: 'unauthorized' };
  if (status === 429 || status >= 500) {
    const retryAfterS = parseRetryAfter(retryAfterHeader);
    return retryAfterS === undefined ? { kind: 'server-error', status } : { kind: 'server-error', status, retryAfterS };
  }
  return { kind: 'rejected', status };
}

/** Retry-After in seconds (delta-seconds form or an HTTP date), or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.round((date - Date.now()) / 1000));
}
