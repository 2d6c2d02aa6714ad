import { limits, protocol } from '@lanet/contracts';
import type { Exchange } from '../http/conformance-http.js';
import { hugeUpload, uploadScript } from '../http/huge-upload.js';
import { outcomeOf, type Check, type CheckContext, type Finding } from './check-types.js';
import { findingFor, isSuccess } from './expect.js';

/** HB-10 flood: at most this many heartbeats, this many at once, for at most this long (bounded in count and time). */
const FLOOD_MAX = 300;
const FLOOD_PARALLEL = 8;
const FLOOD_MS = 15_000;

/** Sends heartbeats for one agent as fast as the target answers until it throttles, FLOOD_MAX are sent, or FLOOD_MS pass. */
async function flood(ctx: CheckContext): Promise<{ sends: Exchange[]; elapsedMs: number }> {
  const agent = await ctx.agents.fresh('hb10f');
  const sends: Exchange[] = [];
  const started = performance.now();
  let throttled = false;
  const lane = async () => {
    while (!throttled && sends.length < FLOOD_MAX && performance.now() - started < FLOOD_MS) {
      const ex = await ctx.agents.post(agent, ctx.agents.heartbeat(agent));
      sends.push(ex);
      if (ex.status === 429 || ex.status === 503) throttled = true;
    }
  };
  await Promise.all(Array.from({ length: FLOOD_PARALLEL }, lane));
  return { sends, elapsedMs: performance.now() - started };
}

/** The raw heads of refused uploads: a refusal the target can decide from the headers alone, for each claimed profile. */
function refusedHeads(ctx: CheckContext, host: string): Array<{ label: string; head: string }> {
  const huge = `Content-Length: ${4 * 1024 ** 3}\r\n`;
  const heads = [
    { label: 'a non-JSON Content-Type (415)', head: `POST /api/agents/heartbeat HTTP/1.1\r\nHost: ${host}\r\nContent-Type: text/plain\r\n${huge}\r\n` },
    { label: 'an unknown path (404)', head: `POST /api/conformance-nowhere HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n${huge}\r\n` },
  ];
  if (ctx.settings.profiles.has('auth'))
    heads.push({
      label: 'no agent token (401)',
      head: `POST /api/agents/heartbeat HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n${huge}\r\n`,
    });
  return heads;
}

/** HB-10's flood and GEN-8's refused uploads: what one client can make the target do. */
export const loadChecks: Check[] = [
  {
    id: 'HB-10',
    name: 'flooding-agent',
    level: 'SHOULD',
    profile: 'core',
    description: `one agent sending heartbeats back to back (up to ${FLOOD_MAX} in ${FLOOD_MS / 1000} s) gets 429 (or 503) with Retry-After seconds; another agent meanwhile still gets 2xx`,
    run: async (ctx) => {
      const findings: Finding[] = [];
      const bystander = await ctx.agents.fresh('hb10b');
      const { sends, elapsedMs } = await flood(ctx);
      const other = await ctx.agents.post(bystander, ctx.agents.heartbeat(bystander));
      const shed = sends.find((ex) => ex.status === 429 || ex.status === 503);
      const rate = (sends.length / (elapsedMs / 1000)).toFixed(0);
      // Fair evidence: a conforming agent sends at most one heartbeat per 60 s (HB-11); this is hundreds of times that.
      if (!shed)
        findings.push({
          message: `${sends.length} heartbeats from one agent in ${(elapsedMs / 1000).toFixed(1)} s (${rate}/s; a conforming agent sends one per ${limits.minHeartbeatIntervalS} s at most) and none got 429 or 503`,
          sent: sends[0]?.sent,
          received: `statuses: ${[...new Set(sends.map((ex) => ex.status))].join(', ')}`,
          expected: '429 (or 503) with Retry-After once one agent floods, before its answers slow down',
        });
      else if (!/^\d+$/.test(shed.headers['retry-after'] ?? '') || Number(shed.headers['retry-after']) < 1)
        findings.push(
          findingFor(
            shed,
            `the ${shed.status} to the flooding agent has Retry-After '${shed.headers['retry-after'] ?? '(missing)'}'`,
            'Retry-After: a positive integer number of seconds',
          ),
        );
      const slow = sends.filter((ex) => ex.durationMs > protocol.agentTimeoutS * 1000);
      if (slow.length)
        findings.push(
          findingFor(
            slow[0]!,
            `${slow.length} flood heartbeats waited over ${protocol.agentTimeoutS} s (queued instead of refused)`,
            `an answer within ${protocol.agentTimeoutS} s: 2xx or 429/503`,
          ),
        );
      if (!isSuccess(other.status))
        findings.push(
          findingFor(
            other,
            `another agent's heartbeat during the flood got ${other.status || 'no answer'}`,
            '2xx: the flood is throttled per agent, the rest of the fleet keeps its capacity',
          ),
        );
      return outcomeOf(
        findings,
        shed
          ? `throttled after ${sends.indexOf(shed) + 1} of ${sends.length} heartbeats (${rate}/s) with ${shed.status} Retry-After ${shed.headers['retry-after']}; another agent still got ${other.status}`
          : '',
      );
    },
  },
  {
    id: 'GEN-8',
    name: 'refused-upload',
    level: 'MUST',
    profile: 'core',
    description: 'a refused upload declaring 4 GiB (wrong type, unknown path, no token) is answered and closed, not read to its end',
    run: async (ctx) => {
      const findings: Finding[] = [];
      const host = new URL(ctx.http.baseUrl).host;
      const seen: string[] = [];
      for (const { label, head } of refusedHeads(ctx, host)) {
        const r = await hugeUpload(ctx.http.baseUrl, head);
        seen.push(
          `${r.status || 'none'} after ${(r.bytesSent / 2 ** 20).toFixed(0)} MiB, closed ${r.closedAfterAnswerMs === undefined ? 'never' : `${r.closedAfterAnswerMs} ms after`}`,
        );
        const problems: string[] = [];
        // The target closed (or reset) the connection and no answer was read: the finding and its likely cause differ.
        const closedUnanswered = r.status === 0 && r.closed;
        if (r.status < 400 || r.status >= 500) problems.push(`answered ${r.status || 'nothing'}`);
        if (closedUnanswered) problems.push(`the connection was closed before any answer could be read (${r.error ?? 'no error'})`);
        else if (r.closedAfterAnswerMs === undefined || r.closedAfterAnswerMs > 3_000)
          problems.push(
            `the connection stayed open ${r.closedAfterAnswerMs === undefined ? 'until the client gave up' : `${r.closedAfterAnswerMs} ms`} after the answer while ${(r.bytesSent / 2 ** 20).toFixed(0)} MiB were sent`,
          );
        // Said with the finding: a verdict reached on a machine too busy to run its client on time is weaker evidence.
        if (r.clientStalledMs !== undefined) problems.push(`(this client's own event loop stalled ${r.clientStalledMs} ms meanwhile)`);
        if (problems.length > (r.clientStalledMs === undefined ? 0 : 1)) {
          findings.push({
            message: `${label}: ${problems.join('; ')}`,
            received: r.head || r.error || '(nothing)',
            expected: 'a 4xx problem, then the connection closed within 3 s (Connection: close): the server stops reading a body it refused',
            transport: {
              script: uploadScript(head, label),
              likelyCause: closedUnanswered
                ? 'the server closed the connection with upload bytes unread, so the kernel sent a reset, which drops an answer the client has not read yet (a client busy for a moment); after answering it should stop reading (not close) and close after a grace of a second or two'
                : 'the server keeps reading (draining) the body of a request it already refused; for a body it will never use it should answer, send Connection: close and close the connection after a short grace, so one client cannot make it read gigabytes',
            },
          });
        }
      }
      return outcomeOf(findings, `refused uploads answered and closed: ${seen.join('; ')}`);
    },
  },
];
