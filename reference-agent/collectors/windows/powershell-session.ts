import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { CollectorTimeoutError } from '../collector-types.js';
import { StreamDecoder } from './powershell-decoding.js';

/** How to start PowerShell; tests point it at a recorded-output player, the agent at powershell.exe. */
export interface PowerShellLaunch {
  command: string;
  args: string[];
}

/** Windows PowerShell 5.1 (present on every supported Windows), reading one command per line from stdin. */
export const defaultPowerShellLaunch: PowerShellLaunch = {
  command: 'powershell.exe',
  args: ['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', '-'],
};

interface Pending {
  id: string;
  resolve: (text: string) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  /** The process the query was written to: only its death fails the query. */
  child: ChildProcessWithoutNullStreams;
}

/**
 * One persistent PowerShell process for all queries (issue 5: not a process per query). Each script is sent as
 * one stdin line (base64, so quotes and newlines never break the framing) and its output ends with a sentinel
 * carrying a random id; a query that passes its timeout kills the process, which restarts on the next query.
 */
export class PowerShellSession {
  private child: ChildProcessWithoutNullStreams | undefined;
  private decoder = new StreamDecoder();
  private buffer = '';
  private current: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** How many processes this session started: 1 for a healthy agent, however many queries it ran. */
  spawnCount = 0;

  constructor(private readonly launch: PowerShellLaunch = defaultPowerShellLaunch) {}

  /** Runs `script` and resolves with its output text; queries run one at a time, in order. */
  run(script: string, timeoutMs: number): Promise<string> {
    const result = this.queue.then(() => this.runNow(script, timeoutMs));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Ends the PowerShell process (the agent calls it on shutdown). */
  close(): void {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null) {
      child.stdin.end('exit\n');
      setTimeout(() => child.kill(), 2_000).unref();
    }
  }

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn(this.launch.command, this.launch.args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    this.spawnCount += 1;
    this.decoder = new StreamDecoder();
    this.buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (this.child === child) this.onData(chunk);
    });
    child.stderr.resume(); // errors are framed on stdout; stderr must still be drained
    const fail = (why: string) => {
      if (this.child === child) this.child = undefined;
      // A process killed after a timeout dies later, while a fresh one may already serve the next query.
      if (this.current?.child === child) this.settle(undefined, new Error(`PowerShell ${why}; the session restarts on the next query`));
    };
    child.on('error', (error) => fail(`could not start (${this.launch.command}: ${error.message})`));
    child.on('exit', (code, signal) => fail(`exited (code ${code ?? signal})`));
    child.stdin.on('error', () => undefined); // a dead process surfaces through 'exit'
    // Output as UTF-8 so non-ASCII program names survive; the decoder still copes with a UTF-16 BOM stream.
    // UTF8Encoding($false): no BOM in the middle of the stream (the decoder only strips one at its start).
    child.stdin.write('[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding($false); $ProgressPreference = "SilentlyContinue"\n');
    return child;
  }

  private runNow(script: string, timeoutMs: number): Promise<string> {
    const child = this.child ?? (this.child = this.start());
    const id = randomBytes(8).toString('hex');
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(undefined, new CollectorTimeoutError(`PowerShell query timed out after ${timeoutMs} ms; the session was restarted`));
        child.kill();
        if (this.child === child) this.child = undefined;
      }, timeoutMs);
      this.current = { id, resolve, reject, timer, child };
      child.stdin.write(`${frameCommand(script, id)}\n`);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer += this.decoder.write(chunk);
    const pending = this.current;
    if (!pending) return;
    const match = new RegExp(`__LANET_(END|ERR)_${pending.id}__`).exec(this.buffer);
    if (!match) return;
    const body = this.buffer.slice(0, match.index);
    const afterMarker = this.buffer.indexOf('\n', match.index);
    this.buffer = afterMarker === -1 ? '' : this.buffer.slice(afterMarker + 1);
    if (match[1] === 'END') this.settle(body.replace(/\r?\n$/, ''));
    else this.settle(undefined, new Error(`PowerShell query failed: ${body.trim() || 'no message'}`));
  }

  private settle(text: string | undefined, error?: Error): void {
    const pending = this.current;
    if (!pending) return;
    this.current = undefined;
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else pending.resolve(text ?? '');
  }
}

/**
 * Wraps a script as one PowerShell line: decode it, run it, and end its output with the sentinel. A terminating
 * error prints its message followed by the ERR sentinel instead, so a failing query never hangs the session.
 */
export function frameCommand(script: string, id: string): string {
  const encoded = Buffer.from(script, 'utf8').toString('base64');
  return (
    `try { $__lanet = [System.Text.Encoding]::UTF8.GetString([System.Convert]::FromBase64String('${encoded}')); ` +
    `[Console]::Out.WriteLine((Invoke-Expression $__lanet | Out-String -Width 8192).TrimEnd()); [Console]::Out.WriteLine('__LANET_END_${id}__') } ` +
    `catch { [Console]::Out.WriteLine($_.Exception.Message); [Console]::Out.WriteLine('__LANET_ERR_${id}__') }`
  );
}
