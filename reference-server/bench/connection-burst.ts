/**
 * GEN-8 check (issue 12, D10): a fleet reconnecting at once. Starts `lanet server` (SQLite), enrolls --agents agents,
 * then opens one new TCP connection per agent at the same instant, each posting one heartbeat, and prints how many
 * were answered, how many took longer than the agent's 15 s timeout, and p50/p99/max latency from the moment the
 * connection was asked for. Options: --agents N (6000) --database PATH (reused when it has the agents).
 * Loopback only; bounded in count (one request per agent) and time (each request gives up after 30 s).
 */
import { request } from 'node:http';
import { parseArgs } from 'node:util';
import { protocol, seedSizedHeartbeat } from '@lanet/contracts';
import { spawnReferenceServer } from '@lanet/cli/spawn-reference-server';
import { enroll } from '../test/http-client.js';
import { TEST_ADMIN_TOKEN, TEST_ENROLLMENT_SECRET } from '../test/test-server.js';

const { values: args } = parseArgs({ options: { agents: { type: 'string', default: '6000' }, database: { type: 'string' } } });
const AGENTS = Math.min(20_000, Number(args.agents));
const GIVE_UP_MS = 30_000;

const server = await spawnReferenceServer({ enrollmentSecret: TEST_ENROLLMENT_SECRET, adminToken: TEST_ADMIN_TOKEN, database: args.database });
const base = new URL(server.url);
if (base.hostname !== '127.0.0.1') throw new Error(`Refusing to load ${server.url}: loopback targets only.`);

/** One request on a connection of its own (agent: false), as a restarted agent opens; resolves with status and ms. */
function postOnNewConnection(path: string, token: string, body: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: base.hostname, port: base.port, path, method: 'POST', agent: false, timeout: GIVE_UP_MS }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    req.setHeader('authorization', `Bearer ${token}`);
    req.setHeader('content-type', 'application/json');
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
    req.end(body);
  });
}

try {
  const started = Date.now();
  const agents: { asset_id: string; agent_token: string }[] = [];
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (agents.length < AGENTS) agents.push(await enroll(server.url));
    }),
  );
  agents.length = AGENTS;
  console.log(`${AGENTS} agents enrolled in ${((Date.now() - started) / 1000).toFixed(1)} s; opening ${AGENTS} connections at once`);
  const now = new Date().toISOString();
  const bodies = agents.map((a) => JSON.stringify({ ...seedSizedHeartbeat(), asset_id: a.asset_id, timestamp: now }));
  const t0 = performance.now();
  const results = await Promise.all(agents.map((a, i) => postOnNewConnection('/api/agents/heartbeat', a.agent_token, bodies[i]!)));
  const wallS = (performance.now() - t0) / 1000;
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(0);
  const byStatus = new Map<number, number>();
  for (const r of results) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  const late = results.filter((r) => r.ms > protocol.agentTimeoutS * 1000).length;
  console.log(
    `D10: ${AGENTS} new connections at once, all answered in ${wallS.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries(byStatus))} (0 = no answer); ` +
      `over ${protocol.agentTimeoutS} s: ${late}; p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${ms.at(-1)!.toFixed(0)} ms`,
  );
} finally {
  await server.stop();
}
