import { Command, Option } from 'commander';
import { messageTypes, type MessageType } from '../message-types.js';
import { run } from './validate-run.js';

/** `lanet validate`: argument parsing only; the work is in `run()`. */
export function createCommand(): Command {
  return new Command('validate')
    .description('Validate a heartbeat (or another protocol v1 message) against the contract and print each violation as `path: message`.')
    .argument('[file]', 'JSON file to validate, or - for standard input', '-')
    .addOption(new Option('-t, --type <type>', 'message type').choices(Object.keys(messageTypes)).default('heartbeat'))
    .option('--ndjson', 'one payload per line; prints `line N: path: message` and a summary', false)
    .option('-q, --quiet', 'print violations only, no summary', false)
    .addHelpText(
      'after',
      `
Exit codes: 0 every payload valid, 1 any payload invalid, 2 input unreadable (missing file, not JSON).

Examples:
  lanet validate heartbeat.json
  lanet validate --type register-request request.json
  cat heartbeats.ndjson | lanet validate --ndjson -
  lanet agent --once --dry-run | lanet validate -`,
    )
    .action(async (file: string, opts: { type: MessageType; ndjson: boolean; quiet: boolean }) => {
      process.exitCode = await run({ input: file, type: opts.type, ndjson: opts.ndjson, quiet: opts.quiet });
    });
}
