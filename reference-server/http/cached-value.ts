/**
 * Wraps an async computation so that callers within `maxAgeMs` of the last result share it, and concurrent callers
 * share one computation in flight. Why: anonymous endpoints (/metrics) must cost O(1) on the ingest path whatever the
 * fleet's size or the scrape rate (GEN-8); listing 10,000 agents per scrape slowed heartbeats to 15 s.
 */
export function cachedValue<T>(compute: () => Promise<T>, maxAgeMs: number, now: () => number = Date.now): () => Promise<T> {
  let value: { at: number; v: T } | undefined;
  let inFlight: Promise<T> | undefined;
  return () => {
    if (value && now() - value.at < maxAgeMs) return Promise.resolve(value.v);
    inFlight ??= compute().then(
      (v) => {
        value = { at: now(), v };
        inFlight = undefined;
        return v;
      },
      (err: unknown) => {
        inFlight = undefined;
        throw err;
      },
    );
    return inFlight;
  };
}

/** How old the agents-by-status figures on /metrics may be. */
export const AGENT_COUNTS_MAX_AGE_MS = 5_000;
/** How old the rendered /metrics text may be: scrapes are every 15-60 s, so 1 s costs nothing in freshness. */
export const METRICS_TEXT_MAX_AGE_MS = 1_000;
