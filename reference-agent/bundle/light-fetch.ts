import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

// The single-file agent's `fetch` (esbuild `inject` puts it in place of the global): Node's own fetch loads undici and
// compiles its llhttp WebAssembly on first use, ~9 MB of RSS for the one POST every 5 minutes the agent makes
// (PERF-3). This covers what the transport uses, with the same observable behaviour: keep-alive, an AbortSignal that
// rejects with an AbortError, and a network failure as TypeError('fetch failed') whose `cause` carries the code.

const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 2 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 2 }) };

/** The part of fetch's RequestInit the agent passes. */
export interface LightRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  signal?: AbortSignal;
}

/** The part of fetch's Response the agent reads. */
export interface LightResponse {
  status: number;
  statusText: string;
  ok: boolean;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
}

function abortError(): Error {
  return Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

/** A minimal `fetch` over node:http(s): one request, the whole answer body read on demand. */
export function fetch(input: string | URL, init: LightRequestInit = {}): Promise<LightResponse> {
  const url = new URL(input);
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') return Promise.reject(new TypeError(`fetch failed: unsupported protocol ${url.protocol}`));
  const signal = init.signal;
  if (signal?.aborted) return Promise.reject(abortError());
  return new Promise((resolve, reject) => {
    const send = secure ? httpsRequest : httpRequest;
    const req = send(url, { method: init.method ?? 'GET', headers: init.headers, agent: secure ? agents.https : agents.http }, (res) => {
      const body = readAll(res);
      body.catch(() => undefined); // read errors surface through text()/json()
      const header = (name: string) => {
        const v = res.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      };
      const status = res.statusCode ?? 0;
      resolve({
        status,
        statusText: res.statusMessage ?? '',
        ok: status >= 200 && status < 300,
        headers: { get: header },
        text: () => body,
        json: async () => JSON.parse(await body) as unknown,
      });
    });
    const onAbort = () => {
      req.destroy(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => signal?.removeEventListener('abort', onAbort));
    req.on('error', (error) => reject(signal?.aborted ? abortError() : new TypeError('fetch failed', { cause: error })));
    req.end(init.body);
  });
}
