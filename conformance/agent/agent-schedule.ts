/** What the mock backend does to a heartbeat that arrives in a slot window (AG-1..AG-6 under test). */
export type SlotFault = 'ok' | 'outage' | 'unavailable' | 'reject' | 'unauthorized' | 'slow';

/**
 * The fault schedule, by grid slot (slot n is due at anchor + n × interval, the anchor being the first heartbeat):
 * steady slots, then an outage (AG-2), a 503 with Retry-After (AG-3), a 400 (AG-4), a 401 (AG-6) and a slow answer,
 * each followed by a steady slot on which the agent must be back on its grid (AG-1).
 */
export const schedule: readonly SlotFault[] = ['ok', 'ok', 'ok', 'outage', 'ok', 'unavailable', 'ok', 'reject', 'ok', 'unauthorized', 'ok', 'slow', 'ok', 'ok'];

/** Tolerance around a grid slot, as a fraction of the interval: ±30 s of 300 s (AG-1). */
export const GRID_TOLERANCE = 0.1;

/** The fault in force for an arrival at `t` seconds after the anchor (slot windows are ±half an interval around slots). */
export function faultAt(tS: number, intervalS: number): { slot: number; fault: SlotFault } {
  const slot = Math.round(tS / intervalS);
  const fault = schedule[slot] ?? 'ok';
  // A fault hits only the attempts near its slot: retries after it see a healthy backend (except the outage, which lasts).
  const offset = tS - slot * intervalS;
  if (fault === 'outage') return { slot, fault: offset > -GRID_TOLERANCE * intervalS && offset < 0.12 * intervalS ? 'outage' : 'ok' };
  return { slot, fault: Math.abs(offset) <= GRID_TOLERANCE * intervalS ? fault : 'ok' };
}

/** Retry-After the backend sends with its 503, in whole seconds: about half an interval, at least 1. */
export function retryAfterS(intervalS: number): number {
  return Math.max(1, Math.round(intervalS / 2));
}
