import type { HeartbeatWrite } from '../store/store.js';

/** A store write of one complete heartbeat with nothing to escrow, as tests and benches seed history directly. */
export function plainHeartbeatWrite(
  assetId: string,
  timestampRaw: string,
  receivedAtMs: number,
  payloadJson: string,
  idempotencyKey: string | null = null,
): HeartbeatWrite {
  return {
    assetId,
    timestampRaw,
    idempotencyKey,
    receivedAtMs,
    partial: false,
    clockSkewS: 0,
    payloadJson,
    hostname: null,
    escrow: [],
    protectedDrives: [],
  };
}
