/** How one agent's wall clock differs from the real one (HB-6, HB-8 clock-skew scenario). */
export interface AgentClock {
  /** Agent clock minus real clock, milliseconds. */
  skewMs: number;
  /** Send the deployed agent's naive form (no offset, read as UTC: HB-6). */
  naive: boolean;
}

/** The agent timestamp for real wall time `wallMs` as this agent's clock shows it. */
export function agentTimestamp(wallMs: number, clock: AgentClock | undefined): string {
  const iso = new Date(wallMs + (clock?.skewMs ?? 0)).toISOString();
  // Python's naive isoformat has microseconds and no offset: "2025-08-04T12:51:08.123456".
  return clock?.naive ? `${iso.slice(0, -1)}000` : iso;
}

/** Shifts a timestamp made by agentTimestamp by `deltaMs`, keeping its form (replay moves a run to now). */
export function shiftTimestamp(timestamp: string, deltaMs: number): string {
  const naive = !/[Zz]|[+-]\d\d:\d\d$/.test(timestamp);
  const ms = timestampMs(timestamp);
  if (Number.isNaN(ms)) return timestamp;
  return agentTimestamp(ms + deltaMs, { skewMs: 0, naive });
}

/** Epoch ms of a timestamp made by agentTimestamp (the naive form read as UTC, HB-6); NaN when unreadable. */
export function timestampMs(timestamp: string): number {
  const naive = !/[Zz]|[+-]\d\d:\d\d$/.test(timestamp);
  return Date.parse(naive ? `${timestamp.slice(0, 23)}Z` : timestamp);
}
