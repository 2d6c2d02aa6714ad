/** A per-agent token bucket: `take` answers undefined when a heartbeat may go on, else the seconds to wait (HB-10). */
export interface AgentRateLimiter {
  take(assetId: string, nowMs: number): number | undefined;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

// Buckets of agents silent for a while are forgotten in bulk past this many, so a flood of identities cannot grow it.
const MAX_BUCKETS = 200_000;

/**
 * HB-10's "429 for one agent flooding": each agent may send `perMinute` heartbeats a minute on average, in bursts of up
 * to a minute's worth; past that its heartbeats get 429 with Retry-After until the bucket refills. The protocol's own
 * traffic is one heartbeat per 300 s plus retries after 60 s, so any limit of a few a minute never touches a healthy
 * agent; it stops one stuck in a tight loop from taking the server's capacity from the rest of the fleet.
 * `perMinute` 0 turns it off.
 */
export function createAgentRateLimiter(perMinute: number): AgentRateLimiter {
  if (perMinute <= 0) return { take: () => undefined };
  const buckets = new Map<string, Bucket>();
  const perMs = perMinute / 60_000;
  return {
    take(assetId, nowMs) {
      let bucket = buckets.get(assetId);
      if (!bucket) {
        if (buckets.size >= MAX_BUCKETS) buckets.clear();
        bucket = { tokens: perMinute, atMs: nowMs };
        buckets.set(assetId, bucket);
      }
      bucket.tokens = Math.min(perMinute, bucket.tokens + Math.max(0, nowMs - bucket.atMs) * perMs);
      bucket.atMs = nowMs;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return undefined;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
    },
  };
}
