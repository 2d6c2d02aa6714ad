import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeartbeatHistoryPageSchema } from '@lanet/contracts';
import { HISTORY_PAGE_BYTES } from '../http/history-page.js';
import { adminGet, enroll, heartbeatFor, postHeartbeat } from './http-client.js';
import { STORE_KINDS, startTestServer, type TestServer } from './test-server.js';

const PAD_BYTES = 2 * 1024 * 1024;
const STORED = 5;

describe.each(STORE_KINDS)('GEN-6: history pages are bounded by bytes, whatever the stored heartbeats weigh (%s store)', (kind) => {
  let server: TestServer;
  let assetId: string;
  const sent: string[] = [];
  beforeAll(async () => {
    server = await startTestServer(kind);
    const agent = await enroll(server.url);
    assetId = agent.asset_id;
    for (let i = 0; i < STORED; i++) {
      const hb = heartbeatFor(assetId, new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()) as unknown as Record<string, unknown>;
      hb.vendor_pad = String(i % 10).repeat(PAD_BYTES); // unknown fields are kept (HB-5): a 2 MiB stored heartbeat
      const r = await postHeartbeat(server.url, agent.agent_token, hb);
      expect(r.status, r.text).toBe(200);
      sent.unshift(hb.timestamp as string);
    }
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('?limit=500 answers 200 with a page under the byte budget, and next_cursor walks every heartbeat once, newest first', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await adminGet(server.url, `/api/agents/${assetId}/heartbeats?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      expect(Buffer.byteLength(r.text)).toBeLessThanOrEqual(HISTORY_PAGE_BYTES + 64 * 1024);
      const page = HeartbeatHistoryPageSchema.parse(r.body);
      expect(page.items.length).toBeGreaterThan(0);
      for (const item of r.body.items as Array<{ payload: { timestamp: string; vendor_pad: string } }>) {
        seen.push(item.payload.timestamp);
        expect(item.payload.vendor_pad).toHaveLength(PAD_BYTES); // unknown fields kept, as sent (FLT-3)
      }
      cursor = page.next_cursor;
      pages++;
    } while (cursor !== null && pages < 20);
    expect(seen).toEqual(sent);
    expect(pages).toBeGreaterThanOrEqual(Math.ceil((STORED * PAD_BYTES) / HISTORY_PAGE_BYTES));
  }, 60_000);

  it('small heartbeats still fill a page up to limit, and the count limit still cuts first', async () => {
    const agent = await enroll(server.url);
    for (let i = 0; i < 5; i++) expect((await postHeartbeat(server.url, agent.agent_token, heartbeatFor(agent.asset_id))).status).toBe(200);
    const first = HeartbeatHistoryPageSchema.parse((await adminGet(server.url, `/api/agents/${agent.asset_id}/heartbeats?limit=3`)).body);
    expect(first.items).toHaveLength(3);
    expect(first.next_cursor).not.toBeNull();
    const rest = HeartbeatHistoryPageSchema.parse(
      (await adminGet(server.url, `/api/agents/${agent.asset_id}/heartbeats?limit=3&cursor=${first.next_cursor}`)).body,
    );
    expect(rest.items).toHaveLength(2);
    expect(rest.next_cursor).toBeNull();
  });
});
