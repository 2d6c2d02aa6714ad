import { fileURLToPath } from 'node:url';
import { CommanderError, type Command } from 'commander';
import { createCommand } from '../cli/agent-command.js';
import { useBundledScript } from '../service/service-command.js';

// Entry of the single-file agent (`npm run build:agent` -> dist/agent/lanet-agent.mjs): `lanet agent` and its
// install-service / uninstall-service subcommands, with no tsx and no other file of the kit at run time.

/** Usage errors exit 2 and help exits 0, as every `lanet` command does. */
function exitPolicy(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) exitPolicy(sub);
}

useBundledScript(fileURLToPath(import.meta.url));
const cmd = createCommand().name('lanet-agent');
exitPolicy(cmd);
try {
  await cmd.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode === 0 ? 0 : 2;
}
