import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * After the answer, what a client still sending may send before the server stops reading, and how long the connection
 * lingers before it is cut: far less than the gigabytes node would otherwise read and discard until the request
 * timeout (GEN-8). Past the bytes the server stops reading instead of closing: a close with unread bytes makes the
 * kernel send RST, and a client that had not yet read the answer (its event loop busy for a moment) loses it. The
 * 4 MiB were read from the client's socket buffers within milliseconds, before such a client read anything: the
 * conformance run saw "answered nothing" that way on a busy CI machine, reproduced with a client busy for 300 ms.
 * The time bound lets the client read the answer and stays inside GEN-8's 3 s.
 */
export const LINGER_BYTES = 4 * 1024 * 1024;
export const LINGER_MS = 1_500;

/** A refused body declared at most this long is read and dropped by node, so the client keeps its connection. */
export const SMALL_BODY_BYTES = 64 * 1024;

/**
 * For an answer sent while the request body is still arriving (a refused upload: 401, 404, 405, 413, 415, 429, 503):
 * says `Connection: close`, and once the answer is out closes the connection after a short lingering read bounded by
 * LINGER_BYTES and LINGER_MS, instead of reading the body to its end (GEN-8). A request whose body has fully arrived,
 * or whose declared length is small, keeps its keep-alive connection. Call before the answer's headers go out.
 */
export function closeUnreadUpload(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete || res.headersSent) return;
  req.removeAllListeners('data'); // a body reader that gave up (413, 400 on bad gzip) keeps no listener that buffers
  req.on('error', () => undefined);
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared <= SMALL_BODY_BYTES) {
    req.resume(); // an agent with a stale token: reading its ~7 KB body costs less than a reconnect
    return;
  }
  res.setHeader('Connection', 'close');
  const socket = req.socket as Socket & { destroySoon?: () => void };
  // Cut once the answer is written out (a destroy drops what is still queued); the timer cuts regardless.
  const cut = () => {
    if (socket.writableFinished) socket.destroy();
    else socket.once('finish', () => socket.destroy());
  };
  let seen = 0;
  let lingering = false;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (lingering && seen > LINGER_BYTES) socket.pause(); // the LINGER_MS timer cuts it (see LINGER_BYTES for why not now)
  });
  req.resume();
  // node ends a `Connection: close` answer with socket.destroySoon(), which destroys the socket as soon as the answer
  // is written, with the upload's bytes unread (RST). This socket instead half-closes and lingers, bounded.
  socket.destroySoon = () => {
    lingering = true;
    seen = 0;
    socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    if (req.readableEnded) cut();
    else req.once('end', cut); // the client finished sending: nothing left to wait for
  };
}
