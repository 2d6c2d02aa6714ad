import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FaultEnv } from './faults.js';

const PROXY_MAIN = fileURLToPath(new URL('./fault-proxy-main.ts', import.meta.url));

/** A faulty backend running in its own process: its URL, and how to stop it. */
export interface StartedFaultProxy {
  url: string;
  stop: () => Promise<void>;
}

/**
 * Starts one faulty backend (fault-proxy-main.ts in front of `upstream`) in its own process, so the suite's CPU work
 * never slows the backend it measures; resolves once it prints "listening on URL", rejects with its output otherwise.
 */
export async function startFaultProxy(upstream: string, faultName: string, env: FaultEnv): Promise<StartedFaultProxy> {
  const child = spawn(process.execPath, ['--conditions=@lanet/source', '--import', 'tsx', PROXY_MAIN, upstream, faultName, JSON.stringify(env)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`fault proxy "${faultName}" did not print "listening on" within 30 s; its output: ${output}`));
    }, 30_000);
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
      const m = /listening on (\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fault proxy "${faultName}" exited ${code} before listening; its output: ${output}`));
    });
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        // A proxy that already exited has nothing to stop (waiting for its exit event would hang).
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
