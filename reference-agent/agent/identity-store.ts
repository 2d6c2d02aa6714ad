import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, win32 } from 'node:path';
import { z } from 'zod';
import { AssetIdSchema, TokenSchema } from '@lanet/contracts';

/** What the agent keeps between runs: its identity (REG-1) and the ESC-3 fingerprint of the keys the server has. */
export const AgentStateSchema = z.object({
  server: z.string().url(),
  asset_id: AssetIdSchema,
  agent_token: TokenSchema,
  /** sha256 of the recovery keys last accepted by the server; keys are sent again only when it changes (ESC-3). */
  escrowed_keys_sha256: z.string().optional(),
});

/** The persisted identity. */
export type AgentState = z.infer<typeof AgentStateSchema>;

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
    const parsed = AgentStateSchema.safeParse(json);
    if (!parsed.success) throw new Error(`${this.file} does not hold a valid identity (${parsed.error.issues[0]?.message}). Delete it to register again.`);
    return parsed.data;
  }

  /** Writes atomically (temp file, then rename) so a crash never leaves half an identity. */
  save(state: AgentState): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(AgentStateSchema.parse(state), null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.file);
  }
}
