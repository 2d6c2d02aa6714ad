import { Command, Option } from 'commander';
import { defaultMockOptions, run, type MockOptions } from './mock-run.js';

/** `lanet mock`: argument parsing only; the work is in `run()`. */
export function createCommand(): Command {
  return new Command('mock')
    .description('Start a validating mock backend (Prism) on spec/openapi.yaml, for developing an agent without a server.')
    .option('--host <host>', 'address to listen on', defaultMockOptions.host)
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', String(defaultMockOptions.port))
    .option('--spec <file>', 'OpenAPI document to serve', defaultMockOptions.spec)
    .option('--dynamic', 'generate responses from the schemas instead of the examples', false)
    .addOption(new Option('--verbose <level>', "Prism's log level").choices(['info', 'warn', 'error', 'silent']).default('info'))
    .addHelpText(
      'after',
      `
Every request is validated against the contract: a payload the contract forbids gets 4xx with the violations,
a valid one gets the spec's example answer. The mock is stateless: it does not remember agents or heartbeats.

Example:
  lanet mock --port 4010 &
  curl -s -H 'Authorization: Bearer dev' -H 'Content-Type: application/json' \\
       --data-binary @contracts/examples/seed-heartbeat.json http://127.0.0.1:4010/api/agents/heartbeat`,
    )
    .action(async (opts: { host: string; port: string; spec: string; dynamic: boolean; verbose: MockOptions['verbose'] }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) {
        process.stderr.write(`lanet mock: --port must be an integer 0..65535, got '${opts.port}'.\n`);
        process.exitCode = 2;
        return;
      }
      process.exitCode = await run({ host: opts.host, port, spec: opts.spec, dynamic: opts.dynamic, verbose: opts.verbose });
    });
}
