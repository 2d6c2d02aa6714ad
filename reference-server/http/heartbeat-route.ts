import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HeartbeatResponse } from '@lanet/contracts';
import type { AppContext } from './app-context.js';
import { bearerToken, sha256Hex } from './credentials.js';
import { HttpProblem, sendJson, unauthorized } from './problem.js';
import { readBodyText } from './read-json-body.js';
import { ShedProblem } from './shed.js';
import { COMMIT_AFTER_BODY_MIN_MS, STORE_DEADLINE_MS, isTransientStoreError, requestStore, storeStalled, withDeadline } from './store-deadline.js';

/**
 * HB-10: 503 + Retry-After before the token is looked up or the body read, when the server is already full: too many
 * heartbeats waiting for a commit (count), its body budget spent (bytes), or the oldest waiting heartbeat has waited
 * past --max-commit-wait (time in flight: a stalled or slow store, whose queue a new heartbeat would only join).
 */
export function refuseWhenOverloaded(ctx: AppContext, nowMs: number): void {
  const { config, ingest, bodyBudget, metrics } = ctx;
  let shed: ShedProblem | undefined;
  if (ingest.pending >= config.maxPendingCommits) {
    shed = new ShedProblem('pending_count', `${ingest.pending} heartbeats are waiting for a commit; retry after the Retry-After delay.`);
  } else if (bodyBudget.held >= bodyBudget.limit) {
    shed = new ShedProblem(
      'body_bytes',
      `The server holds ${bodyBudget.held} bytes of request bodies, its budget (--body-budget-mib); retry after the Retry-After delay.`,
    );
  } else {
    const oldest = ingest.oldestPendingSinceMs;
    if (oldest !== undefined && nowMs - oldest > config.maxCommitWaitMs) {
      shed = new ShedProblem(
        'commit_wait',
        `The oldest heartbeat waiting for its commit has waited ${nowMs - oldest} ms (more than --max-commit-wait); retry after the Retry-After delay.`,
      );
    }
  }
  if (!shed) return;
  metrics.heartbeats.inc({ result: 'shed' });
  throw shed;
}

/** The asset id the request's agent token belongs to, or undefined (AUTH-1); cached on this thread (token-cache.ts). */
function assetForToken(ctx: AppContext, req: IncomingMessage, token: string): Promise<string | undefined> {
  // GEN-8: the lookup answers by the request's store deadline; a transient store error is a 503, not a 500.
  return ctx.tokenCache.resolve(sha256Hex(token), (hash) => requestStore(ctx.store, req).findAssetByTokenHash(hash));
}

/**
 * POST /api/agents/heartbeat (HB-1..11, AUTH-1..2, ESC-1, ESC-3). This thread sheds load, checks the token and reads
 * the body within its limits; the ingest thread parses, validates, escrows and commits it (ingest/prepare-heartbeat.ts),
 * and the 200 goes only after that commit.
 */
export function heartbeatHandler(ctx: AppContext) {
  const { config, ingest, metrics } = ctx;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // HB-10: shed load before reading the body, while the agent still has most of its 15 s left to retry later.
    refuseWhenOverloaded(ctx, req.arrivedAtMs);
    const token = bearerToken(req.headers);
    let tokenAsset: string | undefined;
    // GEN-8: the store gets until STORE_DEADLINE_MS after arrival; past it the agent gets 503 + Retry-After, not a timeout.
    const deadline = req.arrivedAtMs + STORE_DEADLINE_MS;
    if (token !== undefined) {
      tokenAsset = await assetForToken(ctx, req, token);
    }
    if (tokenAsset === undefined && !(config.insecureNoAuth && token === undefined)) {
      metrics.heartbeats.inc({ result: 'unauthorized' });
      throw unauthorized('agent token', token === undefined ? 'No agent token was sent (AUTH-1).' : 'The agent token is not valid (AUTH-1); register again.');
    }
    // HB-10: one agent flooding gets 429 before its body is read; the rest of the fleet keeps its capacity.
    const waitS = tokenAsset === undefined ? undefined : ctx.agentLimiter.take(tokenAsset, req.arrivedAtMs);
    if (waitS !== undefined) {
      metrics.heartbeats.inc({ result: 'throttled' });
      throw new HttpProblem(
        429,
        'too-many-requests',
        'Too many requests',
        `This agent sent more than ${config.agentRateLimit} heartbeats a minute; retry after the Retry-After delay.`,
        { headers: { 'Retry-After': String(waitS) } },
      );
    }
    const idem = req.headers['idempotency-key'];
    if (typeof idem === 'string' && (idem.length < 1 || idem.length > 128)) {
      throw new HttpProblem(400, 'validation', 'Invalid Idempotency-Key', 'The Idempotency-Key header must be 1..128 characters.');
    }
    // HB-10 (D4): the body's bytes count against the server-wide budget from the first one read until the ingest
    // thread has answered (even past the deadline below: until then that thread still holds its copy).
    const lease = ctx.bodyBudget.lease();
    let committed: ReturnType<typeof ingest.ingest>;
    let waitMs: number;
    try {
      const text = await readBodyText(req, config.bodyLimitBytes, lease);
      waitMs = Math.max(deadline - Date.now(), COMMIT_AFTER_BODY_MIN_MS);
      committed = ingest.ingest({
        text,
        tokenAsset: tokenAsset ?? null,
        idempotencyKey: typeof idem === 'string' ? idem : null,
        receivedAtMs: req.arrivedAtMs,
        answerByMs: Date.now() + waitMs, // past it the ingest thread drops it unparsed: this thread has answered 503
      });
    } catch (err) {
      lease.release();
      if (err instanceof ShedProblem) metrics.heartbeats.inc({ result: 'shed' });
      throw err;
    }
    committed.then(lease.release, lease.release);
    let outcome: Awaited<typeof committed>;
    try {
      outcome = await withDeadline(committed, waitMs, () => storeStalled('The heartbeat could not be committed in time.'));
    } catch (err) {
      // A late or transiently failed commit is not acknowledged; if it lands later, the retry is a no-op (HB-7).
      if (err instanceof HttpProblem) metrics.heartbeats.inc({ result: 'shed' });
      if (isTransientStoreError(err)) {
        metrics.heartbeats.inc({ result: 'shed' });
        throw storeStalled('The database is busy or unreachable.', 'store_error');
      }
      throw err;
    }
    if (outcome.result === 'expired') {
      metrics.heartbeats.inc({ result: 'shed' });
      throw storeStalled('The heartbeat could not be committed in time.');
    }
    metrics.heartbeats.inc({ result: outcome.result });
    if ('problem' in outcome) {
      const { status, slug, title, detail, errors } = outcome.problem;
      throw new HttpProblem(status, slug, title, detail, errors ? { errors } : {});
    }
    const answer: HeartbeatResponse = {
      status: 'ok',
      received_at: new Date(outcome.receivedAtMs).toISOString(),
      next_heartbeat_in_s: config.heartbeatIntervalS,
    };
    if (outcome.escrowRequired) answer.escrow_required = true; // ESC-3
    sendJson(res, 200, answer);
  };
}
