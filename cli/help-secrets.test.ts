import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandTable, loadCommand } from './command-table.js';

// AUTH-4: a secret given by environment must never be echoed back, and `--help` is printed into CI logs and
// terminals. Commander prints an option's default value in --help, so a default read from process.env leaks it.
const SECRETS = {
  LANET_ENROLLMENT_SECRET: 'enroll-7f3a9c1e55d2',
  LANET_ADMIN_TOKEN: 'admin-0b8e44aa91c6',
  LANET_METRICS_TOKEN: 'metrics-5d1f0c2b77e3',
};

/** The help text of a command and of each of its subcommands, depth first. */
function allHelp(cmd: Command): string {
  return [cmd.helpInformation(), ...cmd.commands.map(allHelp)].join('\n');
}

describe('--help never shows a secret taken from the environment (AUTH-4)', () => {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const [k, v] of Object.entries(SECRETS)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it.each(commandTable.map((e) => [e.name, e] as const))('lanet %s --help', async (_name, entry) => {
    const help = allHelp(await loadCommand(entry));
    expect(help.length).toBeGreaterThan(100);
    for (const value of Object.values(SECRETS)) expect(help).not.toContain(value);
  });
});
