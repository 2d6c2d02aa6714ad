import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isInstalled } from './installed-packages.js';

/** Options for starting the reference server as a child process through its public CLI (`lanet server`). */
export interface SpawnServerOptions {
  enrollmentSecret: string;
  adminToken: string;
  /** FLT-2 threshold in seconds; conformance and the simulator shorten it. */
  offlineAfterS?: number;
  /** A SQLite path or postgres:// URL; default a fresh SQLite file in a temporary folder removed on stop. */
  database?: string;
  extraArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the `listening on` line. */
  startTimeoutMs?: number;
  /** Start it with `--warm-up` (compile the hot path on a throwaway server before listening). Default false. */
  warmUp?: boolean;
}

/** A reference server running in a child process. */
export interface SpawnedServer {
  url: string;
  process: ChildProcess;
  /** SIGTERM, then SIGKILL after a grace period; removes the temporary database. */
  stop: () => Promise<void>;
}

// @lanet/cli's bin: the same file from the sources (cli/spawn-reference-server.ts) and compiled (cli/dist/...).
const LANET_BIN = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './bin/lanet.js' : '../bin/lanet.js', import.meta.url));
const LISTENING = /listening on (http:\/\/\S+)/;

// Servers still running when this process exits (a test that timed out before its stop(), a Ctrl-C) would outlive it
// and keep loading the machine: one exit hook kills them all.
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL');
  });
  // A signal's default action ends the process without 'exit': where nobody else handles it, exit through the hook
  // (`kill PID` on `lanet simulate` used to leave its server running).
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    if (process.listenerCount(signal) === 0) process.once(signal, () => process.exit(code));
  }
}

/** Starts `lanet server` on a free loopback port and resolves once it prints `listening on http://HOST:PORT`. */
export async function spawnReferenceServer(options: SpawnServerOptions): Promise<SpawnedServer> {
  if (!isInstalled('@lanet/reference-server')) {
    // Conformance and simulator users get the reference server (and its native SQLite build) only if they ask for it.
    throw new Error(
      'the default target is the reference server, which is not installed: install @lanet/reference-server (npm install @lanet/reference-server) or pass --target <url> to test your own backend.',
    );
  }
  const tempDir = options.database ? undefined : mkdtempSync(join(tmpdir(), 'lanet-server-'));
  const database = options.database ?? join(tempDir!, 'lanet.db');
  const args = [
    LANET_BIN,
    'server',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--database',
    database,
    ...(options.offlineAfterS !== undefined ? ['--offline-after', String(options.offlineAfterS)] : []),
    ...(options.warmUp ? ['--warm-up'] : []),
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Secrets by environment, never as flags: flags show in ps and /proc/PID/cmdline to every local user (D7).
    env: {
      ...process.env,
      LANET_LOG_LEVEL: process.env.LANET_LOG_LEVEL ?? 'warn',
      LANET_ENROLLMENT_SECRET: options.enrollmentSecret,
      LANET_ADMIN_TOKEN: options.adminToken,
      ...options.env,
    },
  });
  track(child);
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server that never said it listens must not outlive the caller (its pipes would keep the process alive).
      child.kill('SIGKILL');
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      reject(new Error(`The reference server did not print 'listening on' within ${options.startTimeoutMs ?? 20_000} ms. Its output:\n${output}`));
    }, options.startTimeoutMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = LISTENING.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    // Only the tail is kept: a server logging for an hour must not grow this process (issue 13).
    child.stderr!.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-65_536);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The reference server exited (code ${code}) before listening. Its output:\n${output}`));
    });
  });
  // Keep draining the pipes so a chatty server never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
  return { url, process: child, stop };
}
