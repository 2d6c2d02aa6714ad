import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enroll } from './http-client.js';
import { startTestServer, type TestServer } from './test-server.js';

/** What a client streaming a huge upload saw: the status line, how much it could send, and when the server closed. */
interface UploadOutcome {
  status: number | undefined;
  connectionClose: boolean;
  bytesSent: number;
  /** ms from the answer to the socket's close, or undefined when it stayed open until the client gave up. */
  closedAfterAnswerMs: number | undefined;
}

const CLIENT_LIMIT_MS = 6_000;
const execFileAsync = promisify(execFile);
const CHUNK = Buffer.alloc(256 * 1024, 0x20);

/**
 * Sends `head` (request line and headers) then streams spaces as fast as the server reads them, for at most
 * CLIENT_LIMIT_MS (bounded in time; loopback only), and reports what happened.
 */
function hugeUpload(port: number, head: string): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let bytesSent = 0;
    let answer = '';
    let answeredAt: number | undefined;
    let closedAt: number | undefined;
    let stop = false;
    const finish = () => {
      stop = true;
      clearTimeout(giveUp);
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      resolve({
        status: status === undefined ? undefined : Number(status),
        connectionClose: /\r\nconnection: close\r\n/i.test(answer),
        bytesSent,
        closedAfterAnswerMs: closedAt !== undefined && answeredAt !== undefined ? closedAt - answeredAt : undefined,
      });
    };
    const giveUp = setTimeout(finish, CLIENT_LIMIT_MS);
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      answeredAt ??= Date.now();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closedAt = Date.now();
      finish();
    });
    const pump = () => {
      while (!stop && !socket.destroyed) {
        bytesSent += CHUNK.length;
        if (!socket.write(CHUNK)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    socket.write(head, pump);
  });
}

const FOUR_GIB = 4 * 1024 ** 3;

/** The client of busyClientUpload: it sends the head, queues body bytes, then blocks its own event loop for `busyMs`. */
const BUSY_CLIENT = `
const { connect } = require('node:net');
const [port, busyMs] = process.argv.slice(1).map(Number);
const chunk = Buffer.alloc(256 * 1024, 0x20);
const socket = connect(port, '127.0.0.1');
let answer = '', answeredAt, stop = false;
const report = (closed) => {
  const status = Number(/^HTTP\\/1\\.1 (\\d{3})/.exec(answer)?.[1] ?? 0);
  console.log(JSON.stringify({ status, closedAfterAnswerMs: closed && answeredAt !== undefined ? Date.now() - answeredAt : null }));
  process.exit(0);
};
socket.on('data', (d) => { answer += d.toString('latin1'); answeredAt ??= Date.now(); });
socket.on('error', () => undefined);
socket.on('close', () => {
  stop = true;
  report(true);
});
socket.on('connect', () => {
  socket.write('POST /api/agents/heartbeat HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/json\\r\\nContent-Length: ${FOUR_GIB}\\r\\n\\r\\n');
  const pump = () => { while (!stop && !socket.destroyed) if (!socket.write(chunk)) return socket.once('drain', pump); };
  pump();
  const until = Date.now() + busyMs;
  while (Date.now() < until);
});
setTimeout(() => report(false), 8000);
`;

/** Runs BUSY_CLIENT in a child process against `port` and returns the status it read and when the server closed. */
async function busyClientUpload(port: number, busyMs: number): Promise<{ status: number; closedAfterAnswerMs: number | null }> {
  const { stdout } = await execFileAsync(process.execPath, ['-e', BUSY_CLIENT, String(port), String(busyMs)], { timeout: 15_000 });
  return JSON.parse(stdout) as { status: number; closedAfterAnswerMs: number | null };
}

describe('GEN-8: a refused upload is answered and closed, not read to its end', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    token = (await enroll(server.url)).agent_token;
  });
  afterAll(async () => {
    await server?.stop();
  });

  const cases: Array<[string, number, (t: string) => string]> = [
    ['no agent token', 401, () => `POST /api/agents/heartbeat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${FOUR_GIB}\r\n\r\n`],
    [
      'a wrong agent token',
      401,
      () =>
        `POST /api/agents/heartbeat HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'x'.repeat(43)}\r\nContent-Type: application/json\r\nContent-Length: ${FOUR_GIB}\r\n\r\n`,
    ],
    ['an unknown path', 404, () => `POST /api/nowhere HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${FOUR_GIB}\r\n\r\n`],
    ['a wrong method', 405, () => `PUT /api/agents/heartbeat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${FOUR_GIB}\r\n\r\n`],
    [
      'an admin route without the admin token',
      401,
      () => `GET /api/agents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${FOUR_GIB}\r\n\r\n`,
    ],
    [
      'a declared size over the limit',
      413,
      (t) =>
        `POST /api/agents/heartbeat HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\nContent-Type: application/json\r\nContent-Length: ${FOUR_GIB}\r\n\r\n`,
    ],
    [
      'a chunked body growing past the limit',
      413,
      (t) =>
        `POST /api/agents/heartbeat HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n4000000\r\n`,
    ],
    [
      'a non-JSON type',
      415,
      (t) => `POST /api/agents/heartbeat HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\nContent-Type: text/plain\r\nContent-Length: ${FOUR_GIB}\r\n\r\n`,
    ],
  ];

  it.each(cases)(
    '%s: %i, Connection: close, closed within 3 s after at most 64 MiB',
    async (name, status, head) => {
      const outcome = await hugeUpload(server.port, head(token));
      console.log(
        `D6 ${name}: ${outcome.status}, ${(outcome.bytesSent / 2 ** 20).toFixed(0)} MiB sent, closed ${outcome.closedAfterAnswerMs ?? 'never'} ms after the answer`,
      );
      expect(outcome.status).toBe(status);
      expect(outcome.connectionClose).toBe(true);
      expect(outcome.closedAfterAnswerMs).toBeDefined();
      expect(outcome.closedAfterAnswerMs!).toBeLessThan(3_000);
      expect(outcome.bytesSent).toBeLessThan(64 * 1024 * 1024);
    },
    15_000,
  );

  it('a client too busy to read for 400 ms after sending the head still gets the answer (no reset while it was unread)', async () => {
    // In a process of its own: the server (this process) must answer and read on while the client does not run.
    const outcomes = await Promise.all([0, 1, 2, 3, 4].map(() => busyClientUpload(server.port, 400)));
    for (const o of outcomes) {
      expect(o.status, JSON.stringify(o)).toBe(401);
      expect(o.closedAfterAnswerMs).toBeLessThan(3_000);
    }
  }, 20_000);

  it('a refusal whose small body has fully arrived keeps the connection (agents with a stale token reuse it)', async () => {
    const body = '{"asset_id":"x"}';
    const res = await fetch(`${server.url}/api/agents/heartbeat`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('connection')).not.toBe('close');
    await res.text();
  });
});
