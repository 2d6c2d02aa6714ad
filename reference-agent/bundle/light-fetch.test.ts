import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetch } from './light-fetch.js';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2_000);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(Buffer.concat(chunks)).toString() : Buffer.concat(chunks).toString();
      res.writeHead(req.url === '/busy' ? 503 : 200, { 'content-type': 'application/json', 'retry-after': '7' });
      res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization, body }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("light fetch (the single-file agent's fetch over node:http)", () => {
  it('POSTs a gzip body with headers and reads status, headers and JSON', async () => {
    const res = await fetch(`${base}/x`, { method: 'POST', headers: { 'Content-Encoding': 'gzip', Authorization: 'Bearer t' }, body: gzipSync('{"a":1}') });
    expect([res.status, res.ok, res.headers.get('Retry-After'), res.headers.get('x-none')]).toEqual([200, true, '7', null]);
    expect(await res.json()).toEqual({ method: 'POST', auth: 'Bearer t', body: '{"a":1}' });
    const busy = await fetch(`${base}/busy`, { method: 'POST', body: 'x' });
    expect([busy.status, busy.ok]).toEqual([503, false]);
    expect(await busy.text()).toContain('"body":"x"');
  });

  it('AG-2: an abort (the 15 s timeout) rejects with AbortError; a refused connection with TypeError whose cause has the code', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(fetch(`${base}/slow`, { method: 'POST', body: 'x', signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    const refused = await fetch('http://127.0.0.1:9/', { method: 'POST', body: 'x' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as { cause: { code: string } }).cause.code).toBe('ECONNREFUSED');
  });
});
