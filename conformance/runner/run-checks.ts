import type { Agent } from 'undici';
import { AgentFixtures } from '../checks/agent-fixtures.js';
import { SkipCheck, type Check, type CheckContext, type CheckSettings, type CheckStatus, type Finding } from '../checks/check-types.js';
import { ConformanceHttp, describeResponse, type ExchangeLog } from '../http/conformance-http.js';

/** A thrown failure: a check stops at the first broken expectation it cannot go past. */
export class FailCheck extends Error {
  constructor(readonly finding: Finding) {
    super(finding.message);
    this.name = 'FailCheck';
  }
}

/** The result of one check in a run. */
export interface CheckResult {
  check: Check;
  key: string;
  status: CheckStatus;
  summary: string;
  findings: Finding[];
  durationMs: number;
  /** Set when the suite itself broke (a bug in the check, not in the target): the run exits 2, never 1. */
  suiteError?: string;
}

/** The `ID/name` key of a check. */
export function checkKey(check: Check): string {
  return `${check.id}/${check.name}`;
}

/** How long one check may run before it is failed (slow targets are reported by GEN-8 in detail). */
const CHECK_TIMEOUT_MS = 120_000;

/** Runs one check with its own HTTP view and fixtures; every contract violation it received fails it. */
async function runOne(
  check: Check,
  base: { settings: CheckSettings; baseUrl: string; dispatcher: Agent; log: ExchangeLog; line: (s: string) => void },
): Promise<CheckResult> {
  const key = checkKey(check);
  const http = new ConformanceHttp(base.baseUrl, base.dispatcher, base.log, key);
  const ctx: CheckContext = {
    settings: base.settings,
    http,
    agents: new AgentFixtures(http, base.settings),
    allExchanges: () => base.log.exchanges,
    log: (s) => base.line(`${key}: ${s}`),
  };
  const started = performance.now();
  let result: Omit<CheckResult, 'durationMs'>;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FailCheck({ message: `the check did not finish within ${CHECK_TIMEOUT_MS / 1000} s: the target stopped answering` })),
        CHECK_TIMEOUT_MS,
      );
    });
    const outcome = await Promise.race([check.run(ctx), timeout]);
    result = { check, key, ...outcome };
  } catch (err) {
    if (err instanceof SkipCheck) result = { check, key, status: 'skip', summary: err.message, findings: [] };
    else if (err instanceof FailCheck) result = { check, key, status: 'fail', summary: err.message, findings: [err.finding] };
    else {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      result = { check, key, status: 'skip', summary: `suite error (not the target's fault): ${message.split('\n')[0]}`, findings: [], suiteError: message };
    }
  } finally {
    clearTimeout(timer);
  }
  // "Every response body the suite receives is checked against the contract": a violation fails the check that got it.
  const broken = base.log.exchanges.filter(
    (ex) => ex.checkKey === key && ex.contractErrors.length > 0 && (ex.contractOwner === undefined || ex.contractOwner === check.id),
  );
  if (broken.length > 0 && result.status !== 'skip') {
    const findings = broken.map((ex) => ({
      message: `response breaks the contract: ${ex.contractErrors[0]}`,
      sent: ex.sent,
      received: describeResponse(ex),
      expected: ex.contractErrors.join('\n'),
    }));
    result = {
      ...result,
      status: 'fail',
      summary: result.status === 'fail' ? result.summary : findings[0]!.message,
      findings: [...result.findings, ...findings],
    };
  }
  return { ...result, durationMs: performance.now() - started };
}

/** Runs the main checks with bounded concurrency (slow ones first so they overlap), then the monitors that read the whole run. */
export async function runChecks(
  checks: readonly Check[],
  base: { settings: CheckSettings; baseUrl: string; dispatcher: Agent; log: ExchangeLog; line: (s: string) => void },
  onResult: (r: CheckResult, done: number, total: number) => void,
  concurrency = 4,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const main = checks.filter((c) => c.phase !== 'after');
  const after = checks.filter((c) => c.phase === 'after');
  const total = checks.length;
  const queue = [...main];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const r = await runOne(next, base);
      results.push(r);
      onResult(r, results.length, total);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, queue.length)) }, worker));
  for (const check of after) {
    const r = await runOne(check, base);
    results.push(r);
    onResult(r, results.length, total);
  }
  const order = new Map(checks.map((c, i) => [checkKey(c), i]));
  return results.sort((a, b) => order.get(a.key)! - order.get(b.key)!);
}
