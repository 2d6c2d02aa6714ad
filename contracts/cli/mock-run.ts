import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMockBackend, type MockBackend, type MockBackendOptions, type MockRequestLog } from './mock-backend.js';
import type { FaultStep } from './mock-faults.js';

/** Options of `lanet mock`. */
export interface MockOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Registration needs this bearer when set; any non-empty bearer registers when unset. */
  enrollmentSecret?: string;
  /** The interval the mock steers agents to (HB-11), 60..3600 s. */
  intervalS?: number;
  faults?: readonly FaultStep[];
  /** info: one line per request on stderr; error: refused requests only; silent: nothing. */
  verbose: 'info' | 'error' | 'silent';
}

/** A running mock. */
export interface RunningMock {
  url: string;
  backend: MockBackend;
  server: Server;
  stop: () => Promise<void>;
}

/** Default options: loopback, port 4010 (Prism's, which earlier versions of `lanet mock` ran), every request logged. */
export const defaultMockOptions: MockOptions = { host: '127.0.0.1', port: 4010, verbose: 'info' };

/** One log line: method, path, status (or the cut connection), the fault, and on a 400 the violations by pointer. */
export function formatRequestLine(entry: MockRequestLog): string {
  const status = entry.status === 0 ? 'connection cut' : String(entry.status);
  const fault = entry.fault ? ` [fault ${entry.fault}]` : '';
  const wire = (entry.gzip ? ' gzip' : '') + (entry.idempotencyKey !== undefined ? ' idempotency-key' : '');
  const errors = entry.errors.map((e) => `\n    ${e.path === '' ? '(root)' : e.path}: ${e.message}`).join('');
  return `${new Date(entry.atMs).toISOString()} ${entry.method} ${entry.path}${wire} -> ${status}${fault}${errors}\n`;
}

/** Starts the mock on node:http and resolves once it listens (port 0 picks a free one). */
export async function startMock(options: MockOptions, write: (text: string) => void = (t) => process.stderr.write(t)): Promise<RunningMock> {
  const backendOptions: MockBackendOptions = {
    ...(options.enrollmentSecret !== undefined ? { enrollmentSecret: options.enrollmentSecret } : {}),
    ...(options.intervalS !== undefined ? { intervalS: options.intervalS } : {}),
    ...(options.faults !== undefined ? { faults: options.faults } : {}),
    onRequest: (entry) => {
      if (options.verbose === 'info' || (options.verbose === 'error' && (entry.status === 0 || entry.status >= 400))) write(formatRequestLine(entry));
    },
  };
  const backend = createMockBackend(backendOptions);
  const server = createServer(backend.handle);
  // GEN-8: a client that stalls is cut off; the agent's own timeout is 15 s.
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url: `http://${host}:${port}`, backend, server, stop };
}

/** Runs `lanet mock` until SIGINT/SIGTERM; returns the exit code (2 when it could not listen). */
export async function run(options: MockOptions): Promise<number> {
  let mock: RunningMock;
  try {
    mock = await startMock(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const hint = code === 'EADDRINUSE' ? ` Port ${options.port} is taken: pass --port 0 for a free one, or stop what listens there.` : '';
    process.stderr.write(`lanet mock: cannot listen on ${options.host}:${options.port} (${(err as Error).message}).${hint}\n`);
    return 2;
  }
  const secret = options.enrollmentSecret === undefined ? 'any non-empty enrollment secret registers' : 'registration needs the --enrollment-secret given';
  const faults = options.faults?.length ? `; fault schedule: ${options.faults.length} step(s) on heartbeat calls` : '';
  process.stdout.write(
    `mock backend listening on ${mock.url} (${secret}${faults})\n` +
      `  try: npx lanet agent --server ${mock.url} --enrollment-secret ${options.enrollmentSecret ?? 'dev'} --interval 10\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await mock.stop();
  return 0;
}
