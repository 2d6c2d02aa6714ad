import type { Command } from 'commander';
import { isInstalled } from './installed-packages.js';

/** A `lanet` subcommand: its one-line summary, and a lazy loader so `lanet validate` never loads express or pg. */
export interface CommandEntry {
  name: string;
  summary: string;
  /** Who the command is for, shown in `lanet --help`. */
  audience: string;
  /** The @lanet package that holds the command; users install only the packages their role needs. */
  packageName: string;
  /** Module (a subpath the package exports) exporting `createCommand(): Command`; loaded only when the command runs. */
  module: string;
}

/** Loads a subcommand's module and checks it exports `createCommand`; says which package to install when it is missing. */
export async function loadCommand(entry: CommandEntry): Promise<Command> {
  if (!isInstalled(entry.packageName)) {
    throw new Error(`'lanet ${entry.name}' is in the package ${entry.packageName}, which is not installed. Install it: npm install ${entry.packageName}`);
  }
  // A computed specifier keeps `lanet --help` and every other command from loading all parts at start-up.
  const specifier: string = entry.module;
  const mod = (await import(specifier)) as { createCommand?: () => Command };
  if (typeof mod.createCommand !== 'function') throw new Error(`${entry.module} does not export createCommand().`);
  return mod.createCommand();
}

/** Every subcommand of `lanet`; each lives with its part of the project. */
export const commandTable: readonly CommandEntry[] = [
  {
    name: 'server',
    summary: 'run the reference server (SQLite by default, PostgreSQL with a postgres:// URL)',
    audience: 'operators, backend implementers',
    packageName: '@lanet/reference-server',
    module: '@lanet/reference-server/cli/server-command',
  },
  {
    name: 'validate',
    summary: 'validate a heartbeat (or another message) against the contract',
    audience: 'agent developers',
    packageName: '@lanet/contracts',
    module: '@lanet/contracts/cli/validate-command',
  },
  {
    name: 'mock',
    summary: 'start a mock backend that speaks the agent wire and answers with the contract',
    audience: 'agent developers',
    packageName: '@lanet/contracts',
    module: '@lanet/contracts/cli/mock-command',
  },
  {
    name: 'agent',
    summary: 'run the reference agent, or collect one payload with --once --dry-run',
    audience: 'agent developers, fleet operators',
    packageName: '@lanet/reference-agent',
    module: '@lanet/reference-agent/cli/agent-command',
  },
  {
    name: 'conformance',
    summary: 'check a backend (or an agent) against protocol v1, requirement by requirement',
    audience: 'backend implementers (CI)',
    packageName: '@lanet/conformance',
    module: '@lanet/conformance/cli/conformance-command',
  },
  {
    name: 'simulate',
    summary: 'load-test a backend with thousands of property-generated agents',
    audience: 'QA',
    packageName: '@lanet/simulator',
    module: '@lanet/simulator/cli/simulate-command',
  },
  {
    name: 'report',
    summary: 'work with simulator reports (merge shard reports)',
    audience: 'QA',
    packageName: '@lanet/simulator',
    module: '@lanet/simulator/cli/report-command',
  },
];
