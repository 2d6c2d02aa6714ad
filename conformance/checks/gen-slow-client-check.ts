import type { Socket } from 'node:net';
import { AGENT_TIMEOUT_MS, describeResponse } from '../http/conformance-http.js';
import { openSocket, sleep, watchSocket, type RawOutcome } from '../http/raw-socket.js';
import { outcomeOf, SkipCheck, type Check, type Finding } from './check-types.js';
import { findingFor } from './expect.js';

/** Slow connections of each kind the check opens: enough to exhaust a naive per-connection server, few enough for any box. */
const SLOW_CONNECTIONS = 8;
/** One byte per this many milliseconds: a classic slowloris trickle. */
const TRICKLE_MS = 500;

interface SlowConnection {
  kind: 'headers' | 'body';
  socket: Socket;
  outcome: () => RawOutcome;
}

async function openSlow(baseUrl: string, kind: 'headers' | 'body'): Promise<SlowConnection> {
  const socket = await openSocket(baseUrl);
  const watch = watchSocket(socket);
  const host = new URL(baseUrl).host;
  socket.write(
    kind === 'headers'
      ? `POST /api/agents/heartbeat HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `
      : `POST /api/agents/heartbeat HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`,
  );
  return { kind, socket, outcome: watch.outcome };
}

/** GEN-8: slow clients are cut off within the limit and do not starve normal requests (each answered within 15 s). */
export const genSlowClientCheck: Check = {
  id: 'GEN-8',
  name: 'slow-clients',
  level: 'MUST',
  profile: 'core',
  description: 'slowloris headers and bodies are cut off, and normal requests meanwhile are answered within 15 s',
  run: async (ctx) => {
    const limitMs = ctx.settings.slowClientLimitS * 1000;
    const agent = await ctx.agents.fresh('gen8');
    const slow: SlowConnection[] = [];
    try {
      for (let i = 0; i < SLOW_CONNECTIONS; i++) {
        slow.push(await openSlow(ctx.http.baseUrl, 'headers'), await openSlow(ctx.http.baseUrl, 'body'));
      }
    } catch (err) {
      for (const c of slow) c.socket.destroy();
      return {
        status: 'fail',
        summary: `could not open slow connections: ${String(err)}`,
        findings: [{ message: `opening ${SLOW_CONNECTIONS * 2} connections failed: ${String(err)}`, expected: 'the target accepts connections' }],
      };
    }
    const started = performance.now();
    const findings: Finding[] = [];
    let probes = 0;
    let slowestProbeMs = 0;
    let nextProbe = started;
    const open = () => slow.filter((c) => c.outcome().closedAfterMs === undefined && !c.socket.destroyed);
    // Trickle one byte per connection, probe normal requests every 2 s, until the target has cut every slow one off.
    while (open().length > 0 && performance.now() - started < limitMs) {
      for (const c of open()) c.socket.write(c.kind === 'headers' ? 'a' : ' ');
      if (performance.now() >= nextProbe) {
        nextProbe = performance.now() + 2_000;
        probes++;
        // keepTimeouts: a probe starved by the slow clients is this check's finding, not a reason to skip it.
        const [health, beat] = await Promise.all([
          ctx.http.send({ method: 'GET', path: '/healthz', keepTimeouts: true }),
          ctx.http.send({ method: 'POST', path: '/api/agents/heartbeat', json: ctx.agents.heartbeat(agent), bearer: agent.token, keepTimeouts: true }),
        ]);
        for (const ex of [health, beat]) {
          slowestProbeMs = Math.max(slowestProbeMs, ex.durationMs);
          if (ex.status === 0 || ex.durationMs > AGENT_TIMEOUT_MS || ex.status >= 500) {
            findings.push(
              findingFor(
                ex,
                `a normal ${ex.sent.method} ${ex.sent.path} during the slowloris got ${describeResponse(ex).slice(0, 80)} after ${Math.round(ex.durationMs)} ms`,
                'an answer within 15 s while slow clients hold connections',
              ),
            );
          }
        }
      }
      await sleep(TRICKLE_MS);
    }
    const still = open();
    const cutAfter = slow.map((c) => c.outcome().closedAfterMs ?? Infinity);
    for (const c of slow) c.socket.destroy();
    if (still.length > 0) {
      const kinds = [...new Set(still.map((c) => c.kind))].join(' and ');
      findings.push({
        message: `${still.length} of ${slow.length} slow connections (${kinds} sent one byte per ${TRICKLE_MS} ms) were still open after ${ctx.settings.slowClientLimitS} s`,
        expected: `the server cuts off a request whose headers or body do not complete in time (within ${ctx.settings.slowClientLimitS} s; set it with --slow-client-limit)`,
        received: `still open: ${still.length}; ${probes} probes, slowest ${Math.round(slowestProbeMs)} ms`,
      });
    }
    const worst = Math.max(...cutAfter.filter(Number.isFinite), 0);
    return outcomeOf(
      findings,
      `${slow.length} slow connections cut off within ${(worst / 1000).toFixed(1)} s; ${probes * 2} normal requests meanwhile, slowest ${Math.round(slowestProbeMs)} ms`,
    );
  },
};

/** GEN-8 monitor: every response of the whole run arrived within the agent's 15 s timeout. */
export const genResponseTimeMonitor: Check = {
  id: 'GEN-8',
  name: 'all-responses-within-15s',
  level: 'MUST',
  profile: 'core',
  phase: 'after',
  description: 'every response of the whole run arrived within 15 s (the agent timeout)',
  run: async (ctx) => {
    if (ctx.allExchanges().length === 0) throw new SkipCheck('no request was sent in this run: nothing to time');
    const slowOnes = ctx.allExchanges().filter((ex) => ex.durationMs > AGENT_TIMEOUT_MS);
    const findings = slowOnes.map((ex) =>
      findingFor(ex, `${ex.sent.method} ${ex.sent.path} took ${(ex.durationMs / 1000).toFixed(1)} s`, 'a response within 15 s'),
    );
    const slowest = Math.max(0, ...ctx.allExchanges().map((ex) => ex.durationMs));
    return outcomeOf(findings, `${ctx.allExchanges().length} responses, slowest ${Math.round(slowest)} ms`);
  },
};
