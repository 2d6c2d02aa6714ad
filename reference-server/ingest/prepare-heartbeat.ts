import { randomUUID } from 'node:crypto';
import { validatorFor, type HeartbeatRequest } from '@lanet/contracts';
import type { EscrowCipher } from '../escrow/escrow-cipher.js';
import { duplicateMemberProblem, findDuplicateMember } from '../http/duplicate-members.js';
import { HttpProblem, validationProblem } from '../http/problem.js';
import { parseJsonObject } from '../http/read-json-body.js';
import type { EscrowWrite, HeartbeatWrite } from '../store/store.js';
import { clockSkewSeconds, isPartial, redactRecoveryKeys } from './heartbeat-facts.js';
import { cutSpans, scanJsonText } from './redact-text.js';

/** What the HTTP thread hands the ingest thread for one heartbeat: the body text and what it learnt from the headers. */
export interface IngestItem {
  text: string;
  /** The asset id the agent token belongs to; null in legacy mode without a token (AUTH-5). */
  tokenAsset: string | null;
  idempotencyKey: string | null;
  /** Server receive time, epoch ms (HB-8). */
  receivedAtMs: number;
  /**
   * When the HTTP thread stops waiting and answers 503 (GEN-8), epoch ms. A heartbeat the ingest thread reaches only
   * after it is dropped unparsed: its agent was told nothing was stored and will retry, so parsing and committing it
   * would only delay the heartbeats queued behind it.
   */
  answerByMs?: number;
}

/** `asset:drive` -> digest of the key last escrowed for it, so an unchanged resent key is not stored again (ESC-3). */
export type EscrowedDigests = Map<string, string>;

const ESCROW_CACHE_MAX = 200_000;

/**
 * The contracts' compiled validator: the same verdict as validateMessage(HeartbeatRequestSchema) (differential-tested in
 * contracts/), twice as fast on valid input; a rejected body is re-checked by validateMessage for its HB-3 errors.
 */
const validateHeartbeat = validatorFor('heartbeat');

/**
 * Parses, validates and authorises one heartbeat and computes everything its commit needs: escrow ciphertexts, the
 * redacted payload, partial and skew. Throws HttpProblem for 400 (GEN-2, HB-3) and 403 (AUTH-2); nothing is stored then.
 */
export function prepareHeartbeat(item: IngestItem, cipher: EscrowCipher, escrowed: EscrowedDigests): HeartbeatWrite {
  const raw = parseJsonObject(item.text);
  const checked = validateHeartbeat(raw);
  if (!checked.ok) {
    throw validationProblem('Invalid heartbeat', checked.errors);
  }
  const hb = checked.value as HeartbeatRequest;
  if (item.tokenAsset !== null && item.tokenAsset !== hb.asset_id) {
    // AUTH-2: a token is bound to one asset; nothing is stored.
    throw new HttpProblem(403, 'forbidden', 'Forbidden', 'This agent token belongs to another asset_id (AUTH-2); send heartbeats for your own asset_id.');
  }
  const escrow: EscrowWrite[] = [];
  const protectedDrives: string[] = [];
  for (const v of hb.hardware_inventory?.bitlocker?.volumes ?? []) {
    // PostgreSQL text cannot hold NUL; one spelling for both stores keeps the cipher's associated data stable.
    const drive = v.drive_letter.replaceAll('\u0000', '\uFFFD');
    const context = `${hb.asset_id}:${drive}`;
    // Only drives not yet seen escrowed by this server need the store's check (ESC-3).
    if (v.protection_status === 'Protected' && !escrowed.has(context)) protectedDrives.push(drive);
    if (typeof v.recovery_key === 'string') {
      const digest = cipher.digest(v.recovery_key, context);
      // ESC-3: agents resend the same key; one already escrowed needs no new encryption or row.
      if (escrowed.get(context) === digest) continue;
      escrow.push({ keyId: randomUUID(), driveLetter: drive, ciphertext: cipher.encrypt(v.recovery_key, context), digest });
    }
  }
  // FLT-3: the body as received, unknown fields kept, every recovery_key removed (ESC-1). The walk also bounds nesting.
  const walked = redactRecoveryKeys(raw);
  const scan = scanJsonText(item.text);
  // The text spells more members than JSON.parse kept only when a name repeats in an object: refuse it (I-JSON, ESC-1).
  if (scan.members !== walked.members) throw duplicateMemberProblem(findDuplicateMember(item.text) ?? '');
  // With unique names the scan finds exactly the members the walk removed (it decodes escaped names); otherwise serialise.
  const cuts = scan.keyCuts?.length === walked.removed ? scan.keyCuts : undefined;
  return {
    assetId: hb.asset_id,
    timestampRaw: hb.timestamp,
    idempotencyKey: item.idempotencyKey,
    receivedAtMs: item.receivedAtMs,
    partial: isPartial(hb),
    clockSkewS: clockSkewSeconds(hb.timestamp, item.receivedAtMs),
    payloadJson: cuts ? cutSpans(item.text, cuts) : JSON.stringify(raw),
    hostname: hb.hardware_inventory?.system?.hostname ?? null,
    escrow,
    protectedDrives,
  };
}

/** Remembers the keys a committed heartbeat escrowed, so their resends skip encryption and a row (ESC-3). */
export function rememberEscrowed(escrowed: EscrowedDigests, write: HeartbeatWrite): void {
  if (escrowed.size >= ESCROW_CACHE_MAX) escrowed.clear();
  for (const e of write.escrow) escrowed.set(`${write.assetId}:${e.driveLetter}`, e.digest);
}
