/**
 * GEN-8 check (issue 12, D2): does anonymous load slow heartbeat ingestion? Starts `lanet server` (SQLite), enrolls
 * --agents agents, then for --duration seconds runs --scrapers connections fetching /metrics back to back while one
 * bystander agent posts heartbeats one after another, and prints the bystander's p50/p99/max latency and the scrape
 * count. Options: --agents N (10000) --scrapers N (16) --duration S (15) --database PATH (reused when it has the agents).
 * Loopback only; bounded in time and count.
 */
import { parseArgs } from 'node:util';
import { seedSizedHeartbeat, type FleetList } from '@lanet/contracts';
import { spawnReferenceServer } from '@lanet/cli/spawn-reference-server';
import { adminGet, enroll } from '../test/http-client.js';
import { TEST_ADMIN_TOKEN, TEST_ENROLLMENT_SECRET } from '../test/test-server.js';

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

const server = await spawnReferenceServer({
  enrollmentSecret: TEST_ENROLLMENT_SECRET,
  adminToken: TEST_ADMIN_TOKEN,
  database: args.database,
  extraArgs: ['--max-pending', '100000'],
});
const base = server.url;
if (!/^http:\/\/127\.0\.0\.1:/.test(base)) throw new Error(`Refusing to load ${base}: loopback targets only.`);

try {
  // counts.total covers the whole fleet; `agents` is only its first page (FLT-5).
  const fleet = (await adminGet(base, '/api/agents')).body as FleetList;
  const have = fleet.counts?.total ?? fleet.agents.length;
  const started = Date.now();
  let next = have;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next++ < AGENTS - 1) await enroll(base);
    }),
  );
  const bystander = await enroll(base);
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
