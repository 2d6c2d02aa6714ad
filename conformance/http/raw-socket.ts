import { connect, type Socket } from 'node:net';

/** What a raw HTTP/1.1 exchange produced: the status line's code (0 if none) and whether and when the target closed. */
export interface RawOutcome {
  status: number;
  /** The first bytes of the response (head and the start of the body). */
  head: string;
  /** Milliseconds from connect until the target closed the connection, or undefined if it stayed open. */
  closedAfterMs?: number;
  error?: string;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Opens a TCP connection to the target's host and port. */
export function openSocket(baseUrl: string): Promise<Socket> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 80) });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Tracks a raw socket: collects what comes back, notes when the target closes. */
export function watchSocket(socket: Socket): { outcome: () => RawOutcome; closed: Promise<void> } {
  const started = performance.now();
  let head = '';
  let closedAfterMs: number | undefined;
  let error: string | undefined;
  socket.on('data', (chunk: Buffer) => {
    if (head.length < 4096) head += chunk.toString('latin1');
  });
  socket.on('error', (err) => {
    error = err.message;
  });
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closedAfterMs = performance.now() - started;
      resolve();
    }),
  );
  const outcome = (): RawOutcome => {
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(head);
    return { status: match ? Number(match[1]) : 0, head: head.slice(0, 600), closedAfterMs, error };
  };
  return { outcome, closed };
}

/**
 * Sends a request head and then streams `totalBytes` of body in chunks, stopping as soon as the target answers or
 * closes (GEN-4: a 413 must come without the server reading the whole body). Bounded by `timeoutMs`.
 */
export async function streamBody(
  baseUrl: string,
  head: string,
  chunk: Buffer,
  totalBytes: number,
  timeoutMs: number,
): Promise<RawOutcome & { bytesSent: number; elapsedMs: number }> {
  const socket = await openSocket(baseUrl);
  const watch = watchSocket(socket);
  const started = performance.now();
  let bytesSent = 0;
  let answered = false;
  socket.on('data', () => {
    answered = true;
  });
  socket.write(head);
  const deadline = started + timeoutMs;
  while (bytesSent < totalBytes && !answered && !socket.destroyed && performance.now() < deadline) {
    const piece = chunk.subarray(0, Math.min(chunk.length, totalBytes - bytesSent));
    const flushed = socket.write(piece);
    bytesSent += piece.length;
    if (!flushed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          socket.off('drain', done);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(done, 200);
        socket.once('drain', done);
      });
    }
  }
  // Wait for the answer (or the close), at most 5 s past the last byte and never past the deadline.
  const waitUntil = Math.min(deadline, performance.now() + 5_000);
  while (!answered && watch.outcome().closedAfterMs === undefined && performance.now() < waitUntil) await sleep(25);
  if (answered) await sleep(100);
  const elapsedMs = performance.now() - started;
  socket.destroy();
  return { ...watch.outcome(), bytesSent, elapsedMs };
}
