import type { IncomingMessage } from 'node:http';
import type { Store } from '../store/store.js';
import { ShedProblem } from './shed.js';

/**
 * GEN-8: how long after a heartbeat arrives the server waits for the store (token lookup, commit) before answering
 * 503. Well under the agent's 15 s timeout, so the 503 and its Retry-After reach the agent instead of a timeout.
 */
export const STORE_DEADLINE_MS = 8_000;
/** A slow upload still gets this long for its commit after its body is read, within the 12 s request timeout + 2 s. */
export const COMMIT_AFTER_BODY_MIN_MS = 2_000;
/** /readyz waits this long for the store to answer a ping. */
export const READY_DEADLINE_MS = 2_000;
/** What a 503 for a stalled store tells the agent to wait. */
export const STALL_RETRY_AFTER_S = 10;

/** Settles as `promise` does, or rejects with `late()` once `ms` have passed (the promise keeps running; its result is dropped). */
export function withDeadline<T>(promise: Promise<T>, ms: number, late: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(late()), Math.max(0, ms));
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** 503 with Retry-After for a store that did not answer in time or failed transiently (GEN-8, HB-10). */
export function storeStalled(detail: string, reason: 'store_deadline' | 'store_error' = 'store_deadline'): ShedProblem {
  return new ShedProblem(reason, `${detail} Nothing was acknowledged; retry after the Retry-After delay.`, STALL_RETRY_AFTER_S);
}

// SQLite: locked or busy database, I/O trouble. PostgreSQL (SQLSTATE): connection (08), resources (53), lock not
// available, query cancelled, shutdown (57P), serialization or deadlock (40). Node: the connection to the server failed.
const TRANSIENT = /^(SQLITE_(BUSY|LOCKED|IOERR|FULL|PROTOCOL)|08|53|55P03|57014|57P0|40001|40P01|ECONN|ETIMEDOUT|EPIPE)/;

/** True for a store error that says "not now" rather than "never": the heartbeat may succeed on a retry. */
export function isTransientStoreError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && TRANSIENT.test(code);
}

/**
 * The store as one request sees it (GEN-8): every call settles by `deadlineMs` (epoch ms) or rejects with 503 +
 * Retry-After, and a transient store error becomes that 503 too, instead of a 500 or an answer after the agent's 15 s.
 * A call that misses the deadline keeps running on the ingest thread; its result is dropped.
 */
export function storeWithDeadline(store: Store, deadlineMs: number): Store {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function' || name === 'close') return value;
      return (...args: unknown[]) =>
        withDeadline(Promise.resolve((value as (...a: unknown[]) => Promise<unknown>).apply(target, args)), deadlineMs - Date.now(), () =>
          storeStalled(`The database did not answer within ${STORE_DEADLINE_MS / 1000} s of the request's arrival.`),
        ).catch((err: unknown) => {
          throw isTransientStoreError(err) ? storeStalled('The database is busy or unreachable.', 'store_error') : err;
        });
    },
  });
}

/** The store for one request's handler: every call answers within STORE_DEADLINE_MS of the request's arrival (GEN-8). */
export function requestStore(store: Store, req: IncomingMessage): Store {
  return storeWithDeadline(store, req.arrivedAtMs + STORE_DEADLINE_MS);
}
