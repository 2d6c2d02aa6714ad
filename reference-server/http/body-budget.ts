/**
 * HB-10, GEN-8 (issue 12, D4): a server-wide budget of inflated request-body bytes held in memory, from the first byte
 * read until the ingest thread has answered. Why: shedding by count alone let 100 gzip bodies of a few KB each inflate
 * to 4 MiB apiece at once; the server held 1.5-2.7 GB and answered after 15-27 s. A body whose reading would pass the
 * budget is refused with 503 + Retry-After at that point, before the rest of it is inflated.
 */

/** Default budget: 64 MiB, sixteen bodies at the 4 MiB limit (GEN-4) or thousands of ordinary ~7 KB heartbeats. */
export const DEFAULT_BODY_BUDGET_BYTES = 64 * 1024 * 1024;

/** One request's share of the budget: it grows as the body is read and is given back once, whatever happens. */
export interface BodyLease {
  /** Bytes this request holds now. */
  readonly charged: number;
  /** Raises this request's share to `total` bytes; false (and nothing charged) when that would pass the budget. */
  grow(total: number): boolean;
  /** Gives back everything this request holds; later calls do nothing. */
  release(): void;
}

/** The server-wide budget every request body is charged to. */
export interface BodyBudget {
  /** Most bytes held at once. */
  readonly limit: number;
  /** Bytes held now, over every request. */
  readonly held: number;
  /** A new, empty lease. */
  lease(): BodyLease;
}

/** Creates a budget of `limit` bytes (limit >= the body limit, or a body at the limit could never be read). */
export function createBodyBudget(limit: number): BodyBudget {
  let held = 0;
  return {
    limit,
    get held() {
      return held;
    },
    lease() {
      let charged = 0;
      let released = false;
      return {
        get charged() {
          return charged;
        },
        grow(total) {
          if (released) return false;
          const more = total - charged;
          if (more <= 0) return true;
          if (held + more > limit) return false;
          held += more;
          charged = total;
          return true;
        },
        release() {
          if (released) return;
          released = true;
          held -= charged;
          charged = 0;
        },
      };
    },
  };
}
