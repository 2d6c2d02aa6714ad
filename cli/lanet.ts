import { CommanderError, type Command } from 'commander';
import { commandTable, loadCommand } from './command-table.js';
import { versionText } from './installed-packages.js';

// Exit codes shared by every subcommand: 0 success, 1 the thing checked failed, 2 could not run (bad input/arguments).
const EXIT_USAGE = 2;

/** Top-level help: lists subcommands without loading any of them. */
function printHelp(): void {
  const width = Math.max(...commandTable.map((c) => c.name.length));
  const lines = commandTable.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}\n  ${' '.repeat(width)}  (for ${c.audience})`);
  process.stdout.write(
    [
      'Usage: lanet <command> [options]',
      '',
      'LANET Heartbeat Kit: contracts, reference server and agent, conformance suite and fleet simulator',
      'for LANET heartbeat protocol v1.',
      '',
      'Commands:',
      ...lines,
      '',
      'Run `lanet <command> --help` for the options of one command; `lanet --version` lists the installed packages.',
      '',
    ].join('\n'),
  );
}

/** Applies the shared exit-code policy to a command tree: usage errors exit 2, help exits 0. */
function applyExitPolicy(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) applyExitPolicy(sub);
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    printHelp();
    return;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(versionText());
    return;
  }
  const entry = commandTable.find((c) => c.name === name);
  if (!entry) {
    process.stderr.write(`lanet: unknown command '${name}'. Run \`lanet --help\` to see the commands.\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  const cmd = await loadCommand(entry);
  cmd.name(`lanet ${entry.name}`);
  applyExitPolicy(cmd);
  try {
    await cmd.parseAsync(rest, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version';
      process.exitCode = ok ? 0 : EXIT_USAGE;
      return;
    }
    throw err;
  }
}

// `lanet ... | head` closes the pipe early: that is the reader's choice, not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`lanet: ${message}\n`);
  process.exitCode = EXIT_USAGE;
});
