import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { limits } from '@lanet/contracts';
import { defaultConfigDir } from './identity-store.js';

/** The agent's settings after merging file, environment and flags (flags win, then environment, then file). */
export const AgentConfigSchema = z.object({
  server: z
    .string()
    .url()
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  enrollmentSecret: z.string().min(1).optional(),
  configDir: z.string().min(1),
  /** Development override: a fixed interval that ignores the server's HB-11 steering and may go below 60 s. */
  intervalS: z.number().positive().max(limits.maxHeartbeatIntervalS).optional(),
  /** AG-7 start-up spread; default 0.8 x the interval. */
  startupDelayS: z.number().min(0).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Resolved agent settings. */
export type AgentConfig = z.infer<typeof AgentConfigSchema>;

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
  const parsed = z.record(z.string(), z.union([z.string(), z.number()])).safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} must be a JSON object of strings and numbers (keys: ${Object.keys(FILE_KEYS).join(', ')}).`);
  const out: AgentConfigInput = {};
  for (const [name, value] of Object.entries(parsed.data)) {
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
  const parsed = AgentConfigSchema.safeParse({
    server: merged.server,
    enrollmentSecret: merged.enrollmentSecret === undefined ? undefined : String(merged.enrollmentSecret),
    configDir,
    intervalS: numeric(merged.intervalS),
    startupDelayS: numeric(merged.startupDelayS),
    logLevel: merged.logLevel,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid agent setting ${issue?.path.join('.')}: ${issue?.message}. Check the flag, the LANET_* variable or ${file}.`);
  }
  return parsed.data;
}

function strip(input: AgentConfigInput): AgentConfigInput {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as AgentConfigInput;
}
