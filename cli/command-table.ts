import type { Command } from 'commander';

/** A `lanet` subcommand: its one-line summary, and a lazy loader so `lanet validate` never loads express or pg. */
export interface CommandEntry {
  name: string;
  summary: string;
  /** Who the command is for, shown in `lanet --help`. */
  audience: string;
  /** Module (relative to cli/) exporting `createCommand(): Command`; loaded only when the command runs. */
  module: string;
}

/** Loads a subcommand's module and checks it exports `createCommand`. */
export async function loadCommand(entry: CommandEntry): Promise<Command> {
  // A computed specifier keeps `lanet --help` and every other command from loading all parts at start-up.
  const mod = (await import(new URL(entry.module, import.meta.url).href)) as { createCommand?: () => Command };
  if (typeof mod.createCommand !== 'function') throw new Error(`${entry.module} does not export createCommand().`);
  return mod.createCommand();
}

/** Every subcommand of `lanet`; each lives with its part of the project. */
export const commandTable: readonly CommandEntry[] = [
  {
    name: 'server',
    summary: 'run the reference server (SQLite by default, PostgreSQL with a postgres:// URL)',
    audience: 'operators, backend implementers',
    module: '../reference-server/cli/server-command.ts',
  },
  {
    name: 'validate',
    summary: 'validate a heartbeat (or another message) against the contract',
    audience: 'agent developers',
    module: '../contracts/cli/validate-command.ts',
  },
  {
    name: 'mock',
    summary: 'start a mock backend that speaks the agent wire and answers with the contract',
    audience: 'agent developers',
    module: '../contracts/cli/mock-command.ts',
  },
  {
    name: 'agent',
    summary: 'run the reference agent, or collect one payload with --once --dry-run',
    audience: 'agent developers, fleet operators',
    module: '../reference-agent/cli/agent-command.ts',
  },
  {
    name: 'conformance',
    summary: 'check a backend (or an agent) against protocol v1, requirement by requirement',
    audience: 'backend implementers (CI)',
    module: '../conformance/cli/conformance-command.ts',
  },
  {
    name: 'simulate',
    summary: 'load-test a backend with thousands of property-generated agents',
    audience: 'QA',
    module: '../simulator/cli/simulate-command.ts',
  },
  {
    name: 'report',
    summary: 'work with simulator reports (merge shard reports)',
    audience: 'QA',
    module: '../simulator/cli/report-command.ts',
  },
];
