import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, type Checked } from '../checks/agent-checks.js';
import { defaultConfigDir } from './identity-store.js';

// The settings' shape is AgentConfigSchema (checks/agent-schemas.ts); what JSON Schema cannot say (the server parses
// as a URL, the default log level, no trailing slash) is done here, so the single-file agent checks without zod.

/** Resolved agent settings. */
export type AgentConfig = Checked<'agentConfig'>;

/** The settings as each source spells them; undefined means "not set here". */
export type AgentConfigInput = Partial<
  Record<'server' | 'enrollmentSecret' | 'configDir' | 'intervalS' | 'startupDelayS' | 'logLevel' | 'configFile', string | number>
>;

const ENV: Record<string, keyof AgentConfigInput> = {
  LANET_SERVER: 'server',
  LANET_ENROLLMENT_SECRET: 'enrollmentSecret',
  LANET_AGENT_CONFIG_DIR: 'configDir',
  LANET_AGENT_INTERVAL_S: 'intervalS',
  LANET_AGENT_STARTUP_DELAY_S: 'startupDelayS',
  LANET_LOG_LEVEL: 'logLevel',
};

const FILE_KEYS: Record<string, keyof AgentConfigInput> = {
  server: 'server',
  enrollment_secret: 'enrollmentSecret',
  interval_s: 'intervalS',
  startup_delay_s: 'startupDelayS',
  log_level: 'logLevel',
};

function fromEnv(env: NodeJS.ProcessEnv): AgentConfigInput {
  const out: AgentConfigInput = {};
  for (const [name, key] of Object.entries(ENV)) if (env[name] !== undefined && env[name] !== '') out[key] = env[name];
  return out;
}

function fromFile(file: string, required: boolean): AgentConfigInput {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`Cannot read the agent config file ${file}: ${(error as Error).message}`);
  }
  const parsed: unknown = JSON.parse(text);
  const isSettings =
    parsed !== null &&
    typeof parsed === 'object' &&
    !Array.isArray(parsed) &&
    Object.values(parsed).every((v) => typeof v === 'string' || typeof v === 'number');
  if (!isSettings) throw new Error(`${file} must be a JSON object of strings and numbers (keys: ${Object.keys(FILE_KEYS).join(', ')}).`);
  const out: AgentConfigInput = {};
  for (const [name, value] of Object.entries(parsed as Record<string, string | number>)) {
    const key = FILE_KEYS[name];
    if (!key) throw new Error(`${file}: unknown setting "${name}"; known settings are ${Object.keys(FILE_KEYS).join(', ')}.`);
    out[key] = value;
  }
  return out;
}

const numeric = (v: string | number | undefined) => (v === undefined ? undefined : Number(v));

/** Merges agent.json in the config directory (or --config FILE), LANET_* environment variables and flags. */
export function loadAgentConfig(flags: AgentConfigInput, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const early = { ...fromEnv(env), ...strip(flags) };
  const configDir = String(early.configDir ?? defaultConfigDir());
  const file = early.configFile !== undefined ? String(early.configFile) : join(configDir, 'agent.json');
  const merged = { ...fromFile(file, early.configFile !== undefined), ...early };
  const server = merged.server === undefined ? undefined : String(merged.server);
  const invalid = (setting: string, message: string) =>
    new Error(`Invalid agent setting ${setting}: ${message}. Check the flag, the LANET_* variable or ${file}.`);
  if (server !== undefined && !URL.canParse(server)) throw invalid('server', `"${server}" is not a URL (e.g. https://lanet.example.com)`);
  const parsed = check('agentConfig', {
    server: server?.replace(/\/+$/, ''),
    enrollmentSecret: merged.enrollmentSecret === undefined ? undefined : String(merged.enrollmentSecret),
    configDir,
    intervalS: numeric(merged.intervalS),
    startupDelayS: numeric(merged.startupDelayS),
    logLevel: merged.logLevel ?? 'info',
  });
  if (!parsed.ok) {
    const first = parsed.errors[0];
    throw invalid(first?.path.slice(1).replace(/\//g, '.') ?? '', first?.message ?? 'invalid');
  }
  return parsed.value;
}

function strip(input: AgentConfigInput): AgentConfigInput {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as AgentConfigInput;
}
