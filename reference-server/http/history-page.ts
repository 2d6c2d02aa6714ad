import type { HeartbeatHistoryPage } from '@lanet/contracts';
import type { HeartbeatRow, Store } from '../store/store.js';

/**
 * Most payload bytes one history page carries (GEN-6): a page of 500 heartbeats of 4 MiB would be 2 GB, past what a
 * JavaScript string holds. A page stops before the heartbeat that would pass this, and says so with next_cursor; it
 * always holds at least one, so a single heartbeat up to the 4 MiB body limit still fits a page.
 */
export const HISTORY_PAGE_BYTES = 8 * 1024 * 1024;

/** One history page's rows and whether older heartbeats remain. */
export interface HistoryRows {
  rows: HeartbeatRow[];
  more: boolean;
}

/**
 * Reads the newest `limit` heartbeats below `beforeId` that fit `budget` bytes of payload: their sizes first (no
 * payloads), then only the payloads that fit. The second read is bounded above by the first's newest id, so a heartbeat
 * committed in between cannot slip in unbudgeted.
 */
export async function readHistoryRows(
  store: Store,
  assetId: string,
  limit: number,
  beforeId: number | undefined,
  budget = HISTORY_PAGE_BYTES,
): Promise<HistoryRows> {
  const sizes = await store.heartbeatSizes(assetId, limit + 1, beforeId);
  let take = 0;
  let bytes = 0;
  for (const [, size] of sizes) {
    if (take >= limit || (take > 0 && bytes + size > budget)) break;
    bytes += size;
    take++;
  }
  if (take === 0) return { rows: [], more: false };
  const rows = await store.listHeartbeats(assetId, take, sizes[0]![0] + 1);
  return { rows, more: sizes.length > take };
}

/**
 * The page's JSON text with each stored payload embedded as stored: it is the JSON text received (keys cut, FLT-3), so
 * parsing and re-serialising it would only cost the HTTP thread time and memory.
 */
export function historyPageJson(page: HistoryRows): string {
  const items = page.rows.map((r) => {
    const head = JSON.stringify({ received_at: new Date(r.receivedAtMs).toISOString(), partial: r.partial, clock_skew_s: r.clockSkewS });
    return `${head.slice(0, -1)},"payload":${r.payloadJson}}`;
  });
  const last = page.rows.at(-1);
  const next: HeartbeatHistoryPage['next_cursor'] = page.more && last ? Buffer.from(String(last.id)).toString('base64url') : null;
  return `{"items":[${items.join(',')}],"next_cursor":${JSON.stringify(next)}}`;
}
