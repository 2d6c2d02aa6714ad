import { execFile } from 'node:child_process';
import { CollectorTimeoutError } from './collector-types.js';

/**
 * Runs a program (never through a shell) and returns its stdout; the error says which program failed and why.
 * Without `timeoutMs` the collector's deadline (the signal) bounds it; a program stopped at either deadline rejects
 * with CollectorTimeoutError, so a hang reads as "timeout", never as "Command failed" (AG-5).
 */
export function execText(file: string, args: readonly string[], signal: AbortSignal, timeoutMs?: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { signal, ...(timeoutMs !== undefined ? { timeout: timeoutMs } : {}), maxBuffer: 32 * 1024 * 1024, encoding: 'utf8', windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if (signal.aborted) return reject(new CollectorTimeoutError(`${file} was stopped at the collector's deadline`));
        if ((error as { killed?: boolean }).killed && timeoutMs !== undefined)
          return reject(new CollectorTimeoutError(`${file} ${args.join(' ')} did not finish within ${timeoutMs} ms and was stopped`));
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return reject(new Error(`${file} is not installed (not found on PATH); install it to report this data`));
        const detail = stderr.trim().split('\n')[0] ?? '';
        reject(new Error(`${file} ${args.join(' ')} failed: ${detail || error.message}`));
      },
    );
  });
}

/** Size in bytes as GB with one decimal, as the seed reports sizes. */
export function bytesToGb(bytes: number): number {
  return Math.round((bytes / 1024 ** 3) * 10) / 10;
}

/** A percentage rounded to one decimal and kept in 0..100. */
export function percent(part: number, whole: number): number {
  if (!(whole > 0)) return 0;
  return Math.min(100, Math.max(0, Math.round((part / whole) * 1000) / 10));
}

/** Resolves after `ms`, or rejects at once when the signal aborts (a collector that times out stops waiting). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted'));
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new Error('aborted'));
      },
      { once: true },
    );
  });
}
