/**
 * GEN-8 check (issue 12, D2): does anonymous load slow heartbeat ingestion? Starts `lanet server` (SQLite), enrolls
 * --agents agents, then for --duration seconds runs --scrapers connections fetching /metrics back to back while one
 * bystander agent posts heartbeats one after another, and prints the bystander's p50/p99/max latency and the scrape
 * count. Options: --agents N (10000) --scrapers N (16) --duration S (15) --database PATH (reused when it has the agents).
 * Loopback only; bounded in time and count.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { seedSizedHeartbeat } from '@lanet/contracts';
import { spawnReferenceServer } from '@lanet/cli/spawn-reference-server';

const { values: args } = parseArgs({
  options: {
    agents: { type: 'string', default: '10000' },
    scrapers: { type: 'string', default: '16' },
    duration: { type: 'string', default: '15' },
    database: { type: 'string' },
  },
});
const AGENTS = Math.min(200_000, Number(args.agents));
const SCRAPERS = Math.min(256, Number(args.scrapers));
const DURATION_MS = Math.min(120, Number(args.duration)) * 1000;
const SECRET = 'anonymous-load-secret-0123456789';
const ADMIN = 'anonymous-load-admin-0123456789ab';

const server = await spawnReferenceServer({ enrollmentSecret: SECRET, adminToken: ADMIN, database: args.database, extraArgs: ['--max-pending', '100000'] });
const base = server.url;
if (!/^http:\/\/127\.0\.0\.1:/.test(base)) throw new Error(`Refusing to load ${base}: loopback targets only.`);

async function enrollOne(): Promise<{ asset_id: string; agent_token: string }> {
  const r = await fetch(`${base}/api/agents/register`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({ hardware_fingerprint: `sha256:${randomBytes(16).toString('hex')}`, hostname: 'load-host' }),
  });
  if (r.status !== 201) throw new Error(`registration failed: ${r.status} ${await r.text()}`);
  return (await r.json()) as { asset_id: string; agent_token: string };
}

try {
  const have = ((await (await fetch(`${base}/api/agents`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { agents: unknown[] }).agents.length;
  const started = Date.now();
  let next = have;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next++ < AGENTS - 1) await enrollOne();
    }),
  );
  const bystander = await enrollOne();
  console.log(`${AGENTS} agents ready (${have} were there) in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const end = Date.now() + DURATION_MS;
  let scrapes = 0;
  const scrapers = Array.from({ length: SCRAPERS }, async () => {
    while (Date.now() < end) {
      await (await fetch(`${base}/metrics`)).text();
      scrapes++;
    }
  });
  const latencies: number[] = [];
  const body = seedSizedHeartbeat();
  body.asset_id = bystander.asset_id;
  for (let i = 0; Date.now() < end && i < 100_000; i++) {
    body.timestamp = new Date(Date.now() + i).toISOString();
    const t0 = performance.now();
    const r = await fetch(`${base}/api/agents/heartbeat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bystander.agent_token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await r.text();
    latencies.push(performance.now() - t0);
    if (r.status !== 200) console.log(`bystander heartbeat answered ${r.status}`);
  }
  await Promise.all(scrapers);
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);
  console.log(
    `${SCRAPERS} scrapers, ${scrapes} scrapes in ${DURATION_MS / 1000} s; bystander: ${latencies.length} heartbeats, p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`,
  );
} finally {
  await server.stop();
}
