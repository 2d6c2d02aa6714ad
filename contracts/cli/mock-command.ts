import { Command, Option } from 'commander';
import { limits } from '../limits.js';
import { parseFaultSchedule } from './mock-faults.js';
import { defaultMockOptions, run, type MockOptions } from './mock-run.js';

/** `lanet mock`: argument parsing only; the work is in `run()`. */
export function createCommand(): Command {
  return new Command('mock')
    .description("Start a mock backend for developing an agent: it speaks the agent's wire and judges every body with the contract.")
    .option('--host <host>', 'address to listen on', defaultMockOptions.host)
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', String(defaultMockOptions.port))
    .option('--enrollment-secret <secret>', 'the secret registration needs (default: any non-empty secret registers)')
    .option(
      '--interval <seconds>',
      `next_heartbeat_in_s the mock answers (HB-11, ${limits.minHeartbeatIntervalS}..${limits.maxHeartbeatIntervalS})`,
      String(limits.defaultHeartbeatIntervalS),
    )
    .option(
      '--fault <steps>',
      'fault schedule for heartbeat calls, a comma list, repeatable (see below)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .addOption(
      new Option('--verbose <level>', 'info: one line per request; error: refused requests only; silent').choices(['info', 'error', 'silent']).default('info'),
    )
    .addHelpText(
      'after',
      `
What it does (a mock for clients: answers come from the contract, state lives in memory until it stops):
  POST /api/agents/register   Bearer <enrollment secret>; the body is checked; 201 with a new asset_id and agent
                              token (the same hardware_fingerprint keeps its asset_id, its old token stops working).
  POST /api/agents/heartbeat  Bearer <agent token> from the registration; gzip or plain JSON; Idempotency-Key honoured.
                              200 {status, received_at, next_heartbeat_in_s} when the contract accepts the body;
                              400 problem+json whose "errors" list every violation as { path: JSON Pointer, message },
                              in the same words as \`lanet validate\` and the reference server; 401 for an unknown token.
  Each request is logged on stderr with its answer and, on a 400, the violations.

Fault schedule (--fault): each step takes the next heartbeat call(s), in order; then every call is answered normally.
  ok[xN]               answer normally (puts later faults further into the run)
  reset[xN]            cut the connection with no answer (a network failure: AG-2 retries after 60 s)
  outage=<dur>         cut every request, registration included, for <dur> (30s, 2m) from the first call it meets
  503[xN][:retry-after=S]  answer that status (any 4xx/5xx; 5xx and 429 back off, AG-3; other 4xx are not retried, AG-4)
  401[xN]              answer 401: the agent registers again (AG-6)
  slow=<dur>[xN]       answer after <dur> (past 15 s the agent gives up: a timeout, AG-2)

Examples:
  lanet mock                                   # http://127.0.0.1:4010, any enrollment secret
  lanet agent --server http://127.0.0.1:4010 --enrollment-secret dev --interval 10
  lanet mock --fault ok,503x2:retry-after=5,ok,401,reset --interval 60
  # By hand: register, then send the seed's payload with the token it returned.
  TOKEN=$(curl -s -H 'Authorization: Bearer dev' -H 'Content-Type: application/json' \\
      -d '{"hardware_fingerprint":"sha256:0123456789abcdef","hostname":"pc-1"}' \\
      http://127.0.0.1:4010/api/agents/register | node -pe 'JSON.parse(require("fs").readFileSync(0)).agent_token')
  curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
      --data-binary @contracts/examples/seed-heartbeat.json http://127.0.0.1:4010/api/agents/heartbeat
  (the seed's asset_id is not yours: the answer is 403 until you put the registered asset_id in the payload)`,
    )
    .action(async (opts: { host: string; port: string; enrollmentSecret?: string; interval: string; fault: string[]; verbose: MockOptions['verbose'] }) => {
      const port = Number(opts.port);
      const intervalS = Number(opts.interval);
      const fail = (message: string) => {
        process.stderr.write(`lanet mock: ${message}\n`);
        process.exitCode = 2;
      };
      if (!Number.isInteger(port) || port < 0 || port > 65_535) return fail(`--port must be an integer 0..65535, got '${opts.port}'.`);
      if (!Number.isInteger(intervalS) || intervalS < limits.minHeartbeatIntervalS || intervalS > limits.maxHeartbeatIntervalS) {
        return fail(
          `--interval must be a whole number of seconds ${limits.minHeartbeatIntervalS}..${limits.maxHeartbeatIntervalS} (HB-11), got '${opts.interval}'. A shorter agent interval is the agent's --interval.`,
        );
      }
      if (opts.enrollmentSecret === '') return fail('--enrollment-secret must not be empty; leave it out to accept any secret.');
      let faults;
      try {
        faults = parseFaultSchedule(opts.fault);
      } catch (error) {
        return fail((error as Error).message);
      }
      process.exitCode = await run({
        host: opts.host,
        port,
        intervalS,
        faults,
        verbose: opts.verbose,
        ...(opts.enrollmentSecret !== undefined ? { enrollmentSecret: opts.enrollmentSecret } : {}),
      });
    });
}
