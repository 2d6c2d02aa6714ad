import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HeartbeatResponse } from '@lanet/contracts';
import type { AppContext } from './app-context.js';
import { bearerToken, sha256Hex } from './credentials.js';
import { HttpProblem, sendJson, unauthorized } from './problem.js';
import { readBodyText } from './read-json-body.js';
import { COMMIT_AFTER_BODY_MIN_MS, STORE_DEADLINE_MS, isTransientStoreError, storeStalled, withDeadline } from './store-deadline.js';

/** The asset id the request's agent token belongs to, or undefined (AUTH-1); cached on this thread (token-cache.ts). */
function assetForToken(ctx: AppContext, token: string): Promise<string | undefined> {
  return ctx.tokenCache.resolve(sha256Hex(token), (hash) => ctx.store.findAssetByTokenHash(hash));
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
    if (ingest.pending >= config.maxPendingCommits) {
      metrics.heartbeats.inc({ result: 'shed' });
      throw new HttpProblem(
        503,
        'overloaded',
        'Server overloaded',
        `${ingest.pending} heartbeats are waiting for a commit; retry after the Retry-After delay.`,
        { headers: { 'Retry-After': '5' } },
      );
    }
    const token = bearerToken(req.headers);
    let tokenAsset: string | undefined;
    // GEN-8: the store gets until STORE_DEADLINE_MS after arrival; past it the agent gets 503 + Retry-After, not a timeout.
    const deadline = req.arrivedAtMs + STORE_DEADLINE_MS;
    if (token !== undefined) {
      tokenAsset = await withDeadline(assetForToken(ctx, token), deadline - Date.now(), () => storeStalled('The token store did not answer in time.'));
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
    const text = await readBodyText(req, config.bodyLimitBytes);
    const idem = req.headers['idempotency-key'];
    if (typeof idem === 'string' && (idem.length < 1 || idem.length > 128)) {
      throw new HttpProblem(400, 'validation', 'Invalid Idempotency-Key', 'The Idempotency-Key header must be 1..128 characters.');
    }
    let outcome: Awaited<ReturnType<typeof ingest.ingest>>;
    try {
      outcome = await withDeadline(
        ingest.ingest({
          text,
          tokenAsset: tokenAsset ?? null,
          idempotencyKey: typeof idem === 'string' ? idem : null,
          receivedAtMs: req.arrivedAtMs,
        }),
        Math.max(deadline - Date.now(), COMMIT_AFTER_BODY_MIN_MS),
        () => storeStalled('The heartbeat could not be committed in time.'),
      );
    } catch (err) {
      // A late or transiently failed commit is not acknowledged; if it lands later, the retry is a no-op (HB-7).
      if (err instanceof HttpProblem) metrics.heartbeats.inc({ result: 'shed' });
      if (isTransientStoreError(err)) {
        metrics.heartbeats.inc({ result: 'shed' });
        throw storeStalled('The database is busy or unreachable.');
      }
      throw err;
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
