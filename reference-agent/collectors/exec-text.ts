import { execFile } from 'node:child_process';

/** Runs a program (never through a shell) and returns its stdout; the error says which program failed and why. */
export function execText(file: string, args: readonly string[], signal: AbortSignal, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { signal, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024, encoding: 'utf8', windowsHide: true }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return reject(new Error(`${file} is not installed (not found on PATH); install it to report this data`));
      const detail = stderr.trim().split('\n')[0] ?? '';
      reject(new Error(`${file} ${args.join(' ')} failed: ${detail || error.message}`));
    });
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
    signal.addEventListener('abort', () => { clearTimeout(timer); reject(new Error('aborted')); }, { once: true });
  });
}
