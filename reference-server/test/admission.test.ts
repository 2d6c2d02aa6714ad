import Database from 'better-sqlite3';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { call, enroll, heartbeatFor, postHeartbeat } from './http-client.js';
import { startTestServer, type TestServer } from './test-server.js';

const MiB = 1024 * 1024;

/** Starts an identity upload of `declared` bytes, sends `sent` of them and holds the connection open until end(). */
function partialUpload(port: number, token: string, declared: number, sent: number): Promise<{ end: () => void }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    const head = `POST /api/agents/heartbeat HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`;
    socket.write(head);
    socket.write(Buffer.alloc(sent, 0x20), () => resolve({ end: () => socket.destroy() }));
  });
}

/** The value of one sample of lanet_shed_total, 0 when absent. */
async function shedCount(base: string, reason: string): Promise<number> {
  const text = (await call(`${base}/metrics`)).text;
  const line = text.split('\n').find((l) => l.startsWith(`lanet_shed_total{reason="${reason}"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('HB-10: admission by body bytes held and by time in flight, as well as by count', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('a body that would pass the byte budget gets 503 + Retry-After before it is read; it fits again once the budget is given back', async () => {
    server = await startTestServer('sqlite', { bodyBudgetBytes: 4 * MiB });
    const agent = await enroll(server.url);
    // One upload holds 3 MiB of the 4 MiB budget while it is being read.
    const holder = await partialUpload(server.port, agent.agent_token, 3 * MiB, 3 * MiB - 1024);
    await new Promise((r) => setTimeout(r, 300));
    const body = JSON.stringify({ ...heartbeatFor(agent.asset_id), vendor_pad: 'x'.repeat(2 * MiB) });
    const refused = await postHeartbeat(server.url, agent.agent_token, JSON.parse(body));
    expect(refused.status, refused.text).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.type).toBe('https://lanet.dev/problems/overloaded');
    expect(refused.body.detail).toMatch(/budget/);
    expect(await shedCount(server.url, 'body_bytes')).toBe(1);
    // A small heartbeat still fits beside the held upload.
    expect((await postHeartbeat(server.url, agent.agent_token, heartbeatFor(agent.asset_id))).status).toBe(200);
    holder.end(); // the aborted upload gives its bytes back
    await expect.poll(async () => (await postHeartbeat(server!.url, agent.agent_token, JSON.parse(body))).status, { timeout: 5_000 }).toBe(200);
  });

  it('gzip bodies are charged as they inflate: of several that together pass the budget, some are refused mid-read with a 503 the client reads', async () => {
    server = await startTestServer('sqlite', { bodyBudgetBytes: 4 * MiB });
    const agent = await enroll(server.url);
    const bodies = Array.from({ length: 4 }, () => gzipSync(JSON.stringify({ ...heartbeatFor(agent.asset_id), vendor_pad: 'x'.repeat(3 * MiB) })));
    const answers = await Promise.all(
      bodies.map((body) =>
        call(`${server!.url}/api/agents/heartbeat`, {
          method: 'POST',
          body,
          token: agent.agent_token,
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toContain(200);
    expect(statuses).toContain(503);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    const shed = answers.filter((a) => a.status === 503);
    for (const a of shed) expect(a.body.detail).toMatch(/budget/);
    expect(await shedCount(server.url, 'body_bytes')).toBe(shed.length);
  });

  it('once the oldest heartbeat has waited past --max-commit-wait, new ones get 503 at once; they are accepted again after', async () => {
    server = await startTestServer('sqlite', { maxCommitWaitMs: 500 });
    const agent = await enroll(server.url);
    const db = new Database(server.database);
    db.exec('BEGIN IMMEDIATE'); // the commit of the next heartbeat waits for this lock
    try {
      const stuck = postHeartbeat(server.url, agent.agent_token, heartbeatFor(agent.asset_id));
      await new Promise((r) => setTimeout(r, 1_000));
      const started = Date.now();
      const shed = await postHeartbeat(server.url, agent.agent_token, heartbeatFor(agent.asset_id));
      expect(shed.status, shed.text).toBe(503);
      expect(Date.now() - started).toBeLessThan(1_000); // at once, not after the store deadline
      expect(Number(shed.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(shed.body.detail).toMatch(/max-commit-wait/);
      expect(await shedCount(server.url, 'commit_wait')).toBeGreaterThanOrEqual(1);
      db.exec('ROLLBACK');
      await stuck;
    } finally {
      if (db.inTransaction) db.exec('ROLLBACK');
      db.close();
    }
    await expect.poll(async () => (await postHeartbeat(server!.url, agent.agent_token, heartbeatFor(agent.asset_id))).status, { timeout: 5_000 }).toBe(200);
  }, 30_000);

  it('the count bound still holds: with --max-pending 0 every heartbeat is shed', async () => {
    server = await startTestServer('sqlite', { maxPendingCommits: 0 });
    const agent = await enroll(server.url);
    const r = await postHeartbeat(server.url, agent.agent_token, heartbeatFor(agent.asset_id));
    expect(r.status).toBe(503);
    expect(await shedCount(server.url, 'pending_count')).toBe(1);
  });
});
