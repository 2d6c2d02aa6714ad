/** What the mock backend does to a heartbeat that arrives in a slot window (AG-1..AG-6 under test). */
export type SlotFault = 'ok' | 'outage' | 'unavailable' | 'reject' | 'unauthorized' | 'slow';

/**
 * The fault schedule, by grid slot (slot n is due at anchor + n × interval; the anchor is the agent's second heartbeat,
 * because the first one also carries the start-up delay and a cold first collection):
 * steady slots, then an outage (AG-2), a 503 with Retry-After (AG-3), a 400 (AG-4), a 401 (AG-6) and a slow answer,
 * each followed by a steady slot on which the agent must be back on its grid (AG-1).
 */
export const schedule: readonly SlotFault[] = ['ok', 'ok', 'outage', 'ok', 'unavailable', 'ok', 'reject', 'ok', 'unauthorized', 'ok', 'slow', 'ok', 'ok'];

/** Tolerance around a grid slot, as a fraction of the interval: ±30 s of 300 s (AG-1). */
export const GRID_TOLERANCE = 0.1;

/** The fault in force for the first attempt of a slot (its window: half an interval either side; the outage ends 0.12 × interval after the slot). */
export function faultAt(tS: number, intervalS: number): { slot: number; fault: SlotFault } {
  const slot = Math.round(tS / intervalS);
  const fault = schedule[slot] ?? 'ok';
  if (fault === 'outage') return { slot, fault: tS - slot * intervalS < 0.12 * intervalS ? 'outage' : 'ok' };
  return { slot, fault };
}

/** Retry-After the backend sends with its 503, in whole seconds: about half an interval, at least 1. */
export function retryAfterS(intervalS: number): number {
  return Math.max(1, Math.round(intervalS / 2));
}
