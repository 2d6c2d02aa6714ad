/**
 * Throttling of failed enrollment and admin attempts per client address: a token bucket each failure draws from.
 * While an address's bucket is empty, every attempt from it (right or wrong) gets 429 with Retry-After before any
 * credential is checked, so guessing the enrollment secret or the admin token drops from thousands of tries a second
 * to `perMinute` a minute. Agents honour Retry-After (AG-3), so a legitimate agent behind the same address retries.
 * Behind a load balancer every client shares its address: raise the limit there, or throttle at the balancer.
 */
import type { IncomingMessage } from 'node:http';
import { HttpProblem } from './problem.js';

/** A failure throttle: `check` throws 429 while the address is blocked; `failed` records one failed attempt. */
export interface AuthThrottle {
  check(req: IncomingMessage, what: string): void;
  failed(req: IncomingMessage): void;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

// Beyond this many addresses, the buckets that have refilled are forgotten; a flood of addresses cannot grow it unbounded.
const MAX_BUCKETS = 100_000;

/** A throttle allowing `perMinute` failures a minute per address, in bursts of two minutes' worth; 0 turns it off. */
export function createAuthThrottle(perMinute: number, now: () => number = Date.now): AuthThrottle {
  if (perMinute <= 0) return { check: () => undefined, failed: () => undefined };
  const capacity = perMinute * 2;
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, Bucket>();
  const refill = (b: Bucket, t: number) => {
    b.tokens = Math.min(capacity, b.tokens + Math.max(0, t - b.atMs) * perMs);
    b.atMs = t;
  };
  const addressOf = (req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown';
  return {
    check(req, what) {
      const b = buckets.get(addressOf(req));
      if (!b) return;
      refill(b, now());
      if (b.tokens >= 1) return;
      const waitS = Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
      throw new HttpProblem(
        429,
        'too-many-requests',
        'Too many requests',
        `Too many failed ${what} attempts from this address; retry after the Retry-After delay.`,
        { headers: { 'Retry-After': String(waitS) } },
      );
    },
    failed(req) {
      const t = now();
      const address = addressOf(req);
      let b = buckets.get(address);
      if (!b) {
        if (buckets.size >= MAX_BUCKETS) {
          for (const [k, v] of buckets) {
            refill(v, t);
            if (v.tokens >= capacity) buckets.delete(k);
          }
          if (buckets.size >= MAX_BUCKETS) buckets.clear();
        }
        b = { tokens: capacity, atMs: t };
        buckets.set(address, b);
      }
      refill(b, t);
      b.tokens = Math.max(0, b.tokens - 1);
    },
  };
}
