import type { Request, Response } from 'express';
import type { Readiness } from '../../contracts/index.js';
import type { AppContext } from './app-context.js';
import { READY_DEADLINE_MS, STORE_DEADLINE_MS, withDeadline } from './store-deadline.js';

/**
 * GET /readyz: 503 while the store does not answer a ping within READY_DEADLINE_MS, or while a heartbeat has waited for
 * its commit longer than STORE_DEADLINE_MS (a locked table answers pings but commits nothing), else 200 (GEN-8).
 */
export function readinessHandler(ctx: AppContext) {
  return async (_req: Request, res: Response): Promise<void> => {
    let ok = true;
    try {
      await withDeadline(ctx.store.ping(), READY_DEADLINE_MS, () => new Error('ping timed out'));
    } catch {
      ok = false;
    }
    const oldest = ctx.ingest.oldestPendingSinceMs;
    if (oldest !== undefined && Date.now() - oldest > STORE_DEADLINE_MS) ok = false;
    const body: Readiness = { status: ok ? 'ready' : 'not_ready', checks: { database: ok ? 'ok' : 'error' } };
    res.status(ok ? 200 : 503).json(body);
  };
}
