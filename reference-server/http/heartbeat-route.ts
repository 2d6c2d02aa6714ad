import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { validatorFor, type HeartbeatRequest, type HeartbeatResponse } from '../../contracts/index.js';
import type { EscrowWrite, HeartbeatWrite } from '../store/store.js';
import type { AppContext } from './app-context.js';
import { bearerToken, sha256Hex } from './credentials.js';
import { clockSkewSeconds, isPartial, redactRecoveryKeys } from './heartbeat-facts.js';
import { HttpProblem, unauthorized } from './problem.js';
import { readJsonBodyText } from './read-json-body.js';
import { redactRecoveryKeysInText } from './redact-text.js';

const TOKEN_CACHE_MAX = 200_000;
const ESCROW_CACHE_MAX = 200_000;

/**
 * The contracts' compiled validator: the same verdict as validateMessage(HeartbeatRequestSchema) (differential-tested in
 * contracts/), twice as fast on valid input; a rejected body is re-checked by validateMessage for its HB-3 errors.
 */
const validateHeartbeat = validatorFor('heartbeat');


/** The asset id the request's agent token belongs to, or undefined (AUTH-1). */
async function assetForToken(ctx: AppContext, token: string): Promise<string | undefined> {
  const hash = sha256Hex(token);
  const cached = ctx.tokenCache.get(hash);
  if (cached !== undefined) return cached;
  const assetId = await ctx.store.findAssetByTokenHash(hash);
  if (assetId !== undefined) {
    if (ctx.tokenCache.size >= TOKEN_CACHE_MAX) ctx.tokenCache.clear();
    ctx.tokenCache.set(hash, assetId);
  }
  return assetId;
}

/** POST /api/agents/heartbeat: validate, authorise, escrow, commit, and only then answer 200 (HB-1..11, AUTH-1..2, ESC-1, ESC-3). */
export function heartbeatHandler(ctx: AppContext) {
  const { config, writer, metrics, cipher } = ctx;
  return async (req: Request, res: Response): Promise<void> => {
    // HB-10: shed load before reading the body, while the agent still has most of its 15 s left to retry later.
    if (writer.pending >= config.maxPendingCommits) {
      metrics.heartbeats.inc({ result: 'shed' });
      throw new HttpProblem(503, 'overloaded', 'Server overloaded',
        `${writer.pending} heartbeats are waiting for a commit; retry after the Retry-After delay.`, { headers: { 'Retry-After': '5' } });
    }
    const token = bearerToken(req.headers);
    let tokenAsset: string | undefined;
    if (token !== undefined) tokenAsset = await assetForToken(ctx, token);
    if (tokenAsset === undefined && !(config.insecureNoAuth && token === undefined)) {
      metrics.heartbeats.inc({ result: 'unauthorized' });
      throw unauthorized('agent token', token === undefined ? 'No agent token was sent (AUTH-1).' : 'The agent token is not valid (AUTH-1); register again.');
    }
    const { value: raw, text } = await readJsonBodyText(req, config.bodyLimitBytes);
    const checked = validateHeartbeat(raw);
    if (!checked.ok) {
      metrics.heartbeats.inc({ result: 'invalid' });
      throw new HttpProblem(400, 'validation', 'Invalid heartbeat',
        `${checked.errors.length} field(s) failed validation: ${checked.errors.slice(0, 5).map((e) => e.path || '(root)').join(', ')}.`,
        { errors: checked.errors });
    }
    const hb = checked.value as HeartbeatRequest;
    if (tokenAsset !== undefined && tokenAsset !== hb.asset_id) {
      // AUTH-2: a token is bound to one asset; nothing is stored.
      metrics.heartbeats.inc({ result: 'forbidden' });
      throw new HttpProblem(403, 'forbidden', 'Forbidden', 'This agent token belongs to another asset_id (AUTH-2); send heartbeats for your own asset_id.');
    }
    if (tokenAsset === undefined) await ctx.store.ensureLegacyAgent(hb.asset_id, req.arrivedAtMs); // AUTH-5 legacy mode

    const idem = req.headers['idempotency-key'];
    if (typeof idem === 'string' && (idem.length < 1 || idem.length > 128)) {
      throw new HttpProblem(400, 'validation', 'Invalid Idempotency-Key', 'The Idempotency-Key header must be 1..128 characters.');
    }
    const escrow: EscrowWrite[] = [];
    const protectedDrives: string[] = [];
    for (const v of hb.hardware_inventory?.bitlocker?.volumes ?? []) {
      // PostgreSQL text cannot hold NUL; one spelling for both stores keeps the cipher's associated data stable.
      const drive = v.drive_letter.replaceAll('\u0000', '\uFFFD');
      // Only drives this process has not seen escrowed need the store's check (ESC-3).
      if (v.protection_status === 'Protected' && !ctx.escrowedDigests.has(`${hb.asset_id}:${drive}`)) protectedDrives.push(drive);
      if (typeof v.recovery_key === 'string') {
        const context = `${hb.asset_id}:${drive}`;
        const digest = cipher.digest(v.recovery_key, context);
        // ESC-3: agents resend the same key; one already escrowed by this process needs no new encryption or row.
        if (ctx.escrowedDigests.get(context) === digest) continue;
        escrow.push({ keyId: randomUUID(), driveLetter: drive, ciphertext: cipher.encrypt(v.recovery_key, context), digest });
      }
    }
    // FLT-3: the body as received, unknown fields kept, every recovery_key removed (ESC-1). The walk also bounds nesting.
    const keyCount = redactRecoveryKeys(raw);
    const payloadJson = redactRecoveryKeysInText(text, keyCount) ?? JSON.stringify(raw);
    const write: HeartbeatWrite = {
      assetId: hb.asset_id,
      timestampRaw: hb.timestamp,
      idempotencyKey: typeof idem === 'string' ? idem : null,
      receivedAtMs: req.arrivedAtMs,
      partial: isPartial(hb),
      clockSkewS: clockSkewSeconds(hb.timestamp, req.arrivedAtMs),
      payloadJson,
      hostname: hb.hardware_inventory?.system?.hostname ?? null,
      escrow,
      protectedDrives,
    };
    const result = await writer.write(write); // HB-9: resolves only after the transaction holding it committed.
    if (!result.duplicate) {
      if (ctx.escrowedDigests.size >= ESCROW_CACHE_MAX) ctx.escrowedDigests.clear();
      for (const e of escrow) ctx.escrowedDigests.set(`${hb.asset_id}:${e.driveLetter}`, e.digest);
    }
    metrics.heartbeats.inc({ result: result.duplicate ? 'duplicate' : 'stored' });
    const answer: HeartbeatResponse = {
      status: 'ok',
      received_at: new Date(result.receivedAtMs).toISOString(),
      next_heartbeat_in_s: config.heartbeatIntervalS,
    };
    if (result.escrowRequired) answer.escrow_required = true; // ESC-3
    res.status(200).json(answer);
  };
}
