import { randomBytes } from 'node:crypto';
import { analyzeAgentRun, type AgentResult } from './analyze-agent-run.js';
import { startAgentBackend } from './agent-backend.js';
import { schedule } from './agent-schedule.js';
import { gates } from '../report/verdict.js';

/** How long `lanet conformance agent` waits for the agent's first request by default, seconds. */
export const DEFAULT_WAIT_S = 600;

/** Options of `lanet conformance agent`. */
export interface AgentConformanceOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The interval the agent under test runs at (its development --interval), seconds. */
  intervalS: number;
  enrollmentSecret?: string;
  failOn: 'must' | 'should';
  /** How long to wait for the agent's first request, seconds (default 600); none by then exits 2. */
  waitS?: number;
  /** How long the run may last from the agent's first request, seconds (default: the schedule plus 60 s). */
  timeoutS?: number;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  /** Called once the backend listens, e.g. to start the agent under test. */
  onListening?: (url: string, enrollmentSecret: string) => void;
}

/** The agent checks' outcome and exit code (0 conformant, 1 an AG requirement failed, 2 no agent came). */
export interface AgentConformanceRun {
  exitCode: number;
  results: AgentResult[];
  url: string;
}

/** Runs the mock backend until the agent under test has played the whole fault schedule, then judges AG-1..AG-7. */
export async function runAgentConformance(o: AgentConformanceOptions): Promise<AgentConformanceRun> {
  if (!(o.intervalS > 0)) {
    o.err.write(`lanet conformance agent: --interval must be a positive number of seconds, got ${o.intervalS}\n`);
    return { exitCode: 2, results: [], url: '' };
  }
  const secret = o.enrollmentSecret ?? randomBytes(16).toString('hex');
  const backend = await startAgentBackend({ host: o.host, port: o.port, intervalS: o.intervalS, enrollmentSecret: secret });
  const scheduleS = schedule.length * o.intervalS;
  o.err.write(
    `listening on ${backend.url}\nRun the agent under test against it, e.g.\n  lanet agent --server ${backend.url} --enrollment-secret ${secret} --interval ${o.intervalS} --startup-delay 0 --config-dir $(mktemp -d)\nThe fault schedule (${schedule.join(', ')}) takes about ${Math.ceil(scheduleS)} s after its first heartbeat.\n`,
  );
  o.onListening?.(backend.url, secret);
  const waitS = o.waitS ?? DEFAULT_WAIT_S;
  let timer: NodeJS.Timeout | undefined;
  const timeout = (s: number) =>
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), s * 1000);
    });
  // The clock starts with the agent's first request: waiting for the agent is not the agent's fault.
  const noAgent = await Promise.race([backend.arrived.then(() => false), timeout(waitS)]);
  clearTimeout(timer);
  if (noAgent) {
    await backend.close();
    o.err.write(`lanet conformance agent: no agent connected in ${waitS} s; point the agent under test at ${backend.url} (or wait longer with --wait).\n`);
    return { exitCode: 2, results: [], url: backend.url };
  }
  const timeoutS = o.timeoutS ?? scheduleS + 60;
  o.err.write(`The agent connected; judging from its first request (the run ends after the schedule, at most ${Math.ceil(timeoutS)} s).\n`);
  await Promise.race([backend.finished, timeout(timeoutS)]);
  clearTimeout(timer);
  await backend.close();
  const results = analyzeAgentRun(backend.events, o.intervalS);
  const lines = [
    '',
    'Requirement  level   result   detail',
    ...results.map((r) => `${r.id.padEnd(11)}  ${r.level.padEnd(6)}  ${r.status.toUpperCase().padEnd(7)}  ${r.detail}`),
    '',
  ];
  o.out.write(lines.join('\n'));
  const failed = results.some((r) => gates(r, o.failOn));
  return { exitCode: failed ? 1 : 0, results, url: backend.url };
}
