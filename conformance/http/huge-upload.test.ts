import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { hugeUpload } from './huge-upload.js';

const ANSWER = 'HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';
const HEAD = 'POST /api/agents/heartbeat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4294967296\r\n\r\n';

/** A raw target that answers 401 and closes once the request head arrived; `stallMs` then blocks this whole process. */
function refusingTarget(stallMs: number): Promise<{ server: Server; url: string }> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => {
      socket.end(ANSWER);
      // The answer and the close are in the client's socket by now; the client (this process) cannot read them yet.
      const until = performance.now() + stallMs;
      while (performance.now() < until);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` })),
  );
}

describe('hugeUpload (GEN-8 refused uploads)', () => {
  let target: Server | undefined;
  afterEach(() => target?.close());

  it('reports the answer and the close of a target that refuses at once', async () => {
    const t = await refusingTarget(0);
    target = t.server;
    const r = await hugeUpload(t.url, HEAD, 2_000);
    expect(r.status).toBe(401);
    expect(r.closedAfterAnswerMs).toBeLessThan(1_000);
    expect(r.clientStalledMs).toBeUndefined();
  });

  it('reads an answer that arrived while its own event loop was stalled past the limit before it gives up', async () => {
    const t = await refusingTarget(1_200);
    target = t.server;
    const r = await hugeUpload(t.url, HEAD, 300);
    expect(r.clientStalledMs).toBeGreaterThan(500);
    expect(r.status).toBe(401);
    expect(r.closedAfterAnswerMs).toBeDefined();
  });

  it('still gives up on a target that never answers', async () => {
    const silent = createServer((socket) => socket.on('error', () => undefined));
    target = silent;
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const r = await hugeUpload(`http://127.0.0.1:${(silent.address() as { port: number }).port}`, HEAD, 300);
    expect(r.status).toBe(0);
    expect(r.closedAfterAnswerMs).toBeUndefined();
    expect(r.bytesSent).toBeGreaterThan(0);
  });
});
