import { openSocket } from './raw-socket.js';

/** How long a huge upload is pushed before the client gives up (bounded in time; loopback or the given target only). */
export const UPLOAD_LIMIT_MS = 6_000;
const CHUNK = Buffer.alloc(256 * 1024, 0x20);
/**
 * A give-up timer firing this late means the client's own event loop stalled (a busy CI machine), not that the target
 * was slow: an answer may be sitting unread in the socket, and timers run before reads in a turn of the event loop.
 */
const STALL_MS = 500;
/** After such a stall, how long the client goes on reading before it judges. */
const STALL_GRACE_MS = 1_000;

/** What a client pushing a huge body saw: the status, how much it could send, and when the target closed. */
export interface UploadOutcome {
  status: number;
  head: string;
  bytesSent: number;
  /** ms from the answer to the close, undefined when the target kept the connection until the client gave up. */
  closedAfterAnswerMs?: number;
  /** Whether the target closed or reset the connection before the client gave up (with or without an answer). */
  closed: boolean;
  error?: string;
  /** How late the client's give-up timer fired, when its own event loop stalled past STALL_MS (evidence, not a fault). */
  clientStalledMs?: number;
}

/** Sends `head` (request line and headers), then spaces as fast as the target reads them, for at most `limitMs`. */
export async function hugeUpload(baseUrl: string, head: string, limitMs = UPLOAD_LIMIT_MS): Promise<UploadOutcome> {
  const socket = await openSocket(baseUrl);
  return new Promise((resolve) => {
    let bytesSent = 0;
    let answer = '';
    let answeredAt: number | undefined;
    let closedAt: number | undefined;
    let error: string | undefined;
    let stop = false;
    let clientStalledMs: number | undefined;
    const finish = () => {
      if (stop) return;
      stop = true;
      clearTimeout(giveUp);
      socket.destroy();
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0);
      resolve({
        status,
        head: answer.slice(0, 600),
        bytesSent,
        closedAfterAnswerMs: closedAt !== undefined && answeredAt !== undefined ? Math.round(closedAt - answeredAt) : undefined,
        closed: closedAt !== undefined,
        error,
        ...(clientStalledMs === undefined ? {} : { clientStalledMs }),
      });
    };
    const startedAt = performance.now();
    const onLimit = () => {
      const late = Math.round(performance.now() - startedAt - limitMs);
      if (late > STALL_MS && clientStalledMs === undefined) {
        clientStalledMs = late;
        giveUp = setTimeout(onLimit, STALL_GRACE_MS);
        return;
      }
      finish();
    };
    let giveUp = setTimeout(onLimit, limitMs);
    socket.on('data', (d: Buffer) => {
      if (answer.length < 4096) answer += d.toString('latin1');
      answeredAt ??= performance.now();
    });
    socket.on('error', (err) => {
      error = err.message;
    });
    socket.on('close', () => {
      closedAt = performance.now();
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

/**
 * A standalone Node.js script (ESM) that replays one huge upload against the target given as its first argument and
 * exits 1 when the target still fails to answer `expected` (and, with `mustClose`, to close within 3 s after it).
 */
export function uploadScript(head: string, label: string, expected: readonly number[] = [], mustClose = true): string {
  return `// Replays a LANET conformance transport failure: ${label.replaceAll('\n', ' ')}
// Usage: node ${'<this file>'} http://127.0.0.1:8080   (exit 1: the failure reproduces; exit 0: it does not)
import { connect } from 'node:net';
const target = new URL(process.argv[2] ?? 'http://127.0.0.1:8080');
const head = ${JSON.stringify(head)}.replace(/\\r\\nHost: [^\\r]*\\r\\n/, \`\\r\\nHost: \${target.host}\\r\\n\`);
const expected = ${JSON.stringify(expected)};
const mustClose = ${mustClose};
const chunk = Buffer.alloc(256 * 1024, 0x20);
const socket = connect({ host: target.hostname, port: Number(target.port || 80) });
let sent = 0, answer = '', answeredAt, closedAt, stop = false;
const finish = () => {
  if (stop) return; stop = true; clearTimeout(giveUp); socket.destroy();
  const status = Number(/^HTTP\\/1\\.[01] (\\d{3})/.exec(answer)?.[1] ?? 0);
  const closedAfterMs = closedAt !== undefined && answeredAt !== undefined ? Math.round(closedAt - answeredAt) : undefined;
  const ok = status >= 400 && status < 500 && (expected.length === 0 || expected.includes(status)) && (!mustClose || (closedAfterMs !== undefined && closedAfterMs <= 3000));
  console.log(JSON.stringify({ status, mibSent: Math.round(sent / 2 ** 20), closedAfterMs: closedAfterMs ?? 'never', reproduced: !ok }));
  process.exit(ok ? 0 : 1);
};
const giveUp = setTimeout(finish, ${UPLOAD_LIMIT_MS});
socket.on('data', (d) => { answer += d.toString('latin1'); answeredAt ??= performance.now(); });
socket.on('error', () => undefined);
socket.on('close', () => { closedAt = performance.now(); finish(); });
const pump = () => { while (!stop && !socket.destroyed) { sent += chunk.length; if (!socket.write(chunk)) { socket.once('drain', pump); return; } } };
socket.once('connect', () => socket.write(head, pump));
`;
}
