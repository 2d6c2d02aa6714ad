import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, win32 } from 'node:path';
import { formatFieldErrors } from '@lanet/contracts';
import { check, type Checked } from '../checks/agent-checks.js';

/** The persisted identity: its shape is AgentStateSchema (checks/agent-schemas.ts), its server also a URL. */
export type AgentState = Checked<'agentState'>;

/** Why `value` is not a valid identity, or undefined when it is one. */
function identityProblem(value: unknown): string | undefined {
  const verdict = check('agentState', value);
  if (!verdict.ok) return formatFieldErrors(verdict.errors.slice(0, 1));
  return URL.canParse(verdict.value.server) ? undefined : `/server: "${verdict.value.server}" is not a URL`;
}

/**
 * Default config directory: %ProgramData%\LANET\agent for the Windows service (LocalSystem; the installer narrows its
 * ACL), /etc/lanet-agent for root on Linux, else ~/.config/lanet-agent for a developer.
 */
export function defaultConfigDir(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return win32.join(process.env.ProgramData ?? 'C:\\ProgramData', 'LANET', 'agent');
  if (typeof process.getuid === 'function' && process.getuid() === 0) return '/etc/lanet-agent';
  return join(os.homedir(), '.config', 'lanet-agent');
}

/** Reads and writes identity.json in the config directory, readable by the service account alone (0700/0600). */
export class IdentityStore {
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = join(dir, 'identity.json');
  }

  /** The stored state, or undefined when there is none yet; a damaged file is an error that says how to recover. */
  load(): AgentState | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`Cannot read ${this.file}: ${(error as Error).message}. Run the agent as the account that owns it.`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`${this.file} is not JSON. Delete it to register this machine again (same hardware fingerprint, same asset id).`);
    }
    const problem = identityProblem(json);
    if (problem !== undefined) throw new Error(`${this.file} does not hold a valid identity (${problem}). Delete it to register again.`);
    return json as AgentState;
  }

  /** Writes atomically (temp file, then rename) so a crash never leaves half an identity. */
  save(state: AgentState): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    const temp = `${this.file}.${process.pid}.tmp`;
    const problem = identityProblem(state);
    if (problem !== undefined) throw new Error(`Refusing to save an invalid identity to ${this.file} (${problem}): an agent bug, please report it.`);
    writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.file);
  }
}
