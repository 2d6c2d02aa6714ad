import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { specPath } from '../openapi/write-spec.js';

/** Options of `lanet mock`. */
export interface MockOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  spec: string;
  /** Generate responses from the schemas instead of the spec's examples. */
  dynamic: boolean;
  /** Prism's log level. */
  verbose: 'info' | 'warn' | 'error' | 'silent';
  startTimeoutMs?: number;
}

/** A running Prism mock. */
export interface RunningMock {
  url: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

/** Default options: loopback, Prism's usual port, the committed spec. */
export const defaultMockOptions: MockOptions = { host: '127.0.0.1', port: 4010, spec: specPath, dynamic: false, verbose: 'info' };

/** Finds a free TCP port on `host` (Prism cannot listen on port 0 itself). */
async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function prismEntry(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@stoplight/prism-cli/package.json')), 'dist', 'index.js');
}

/** Starts Prism on the spec and resolves once it listens; requests are validated against the contract (--errors). */
export async function startMock(options: MockOptions, onOutput?: (text: string) => void): Promise<RunningMock> {
  const port = options.port === 0 ? await freePort(options.host) : options.port;
  const args = [prismEntry(), 'mock', options.spec, '--host', options.host, '--port', String(port), '--errors', '--verboseLevel', options.verbose];
  if (options.dynamic) args.push('--dynamic');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    onOutput?.(text);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const url = `http://${options.host}:${port}`;
  // Readiness by asking Prism over HTTP: its "listening" line is only printed at the info log level.
  const limit = options.startTimeoutMs ?? 60_000;
  const deadline = Date.now() + limit;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Prism exited (code ${child.exitCode}) before listening. Is port ${port} free? Its output:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Prism did not start within ${limit} ms. Its output:\n${output}`);
    }
    try {
      await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  return { url, process: child, stop };
}

/** Runs `lanet mock` until SIGINT/SIGTERM; returns the exit code (2 when Prism could not start). */
export async function run(options: MockOptions): Promise<number> {
  let mock: RunningMock;
  try {
    mock = await startMock(options, (text) => process.stderr.write(text));
  } catch (err) {
    process.stderr.write(`lanet mock: ${(err as Error).message}\n`);
    return 2;
  }
  process.stdout.write(
    `mock backend (Prism) listening on ${mock.url}\n` +
      `  POST ${mock.url}/api/agents/heartbeat with "Authorization: Bearer <any token>"; invalid bodies get 4xx with the violations.\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    mock.process.once('exit', resolve);
  });
  await mock.stop();
  return 0;
}
