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
