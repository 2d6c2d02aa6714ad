/**
 * Disk a heartbeat history needs (issue 12 item 3): seeds a fresh store with N agents x M seed-sized heartbeats
 * (contracts' seedSizedHeartbeat, ~6.7 KB, each with its own timestamp and figures), measures the database, and
 * extrapolates to 1,000 agents at the default retention policy. Run:
 *   npx tsx --conditions=@lanet/source reference-server/bench/history-disk.ts --agents 20 --heartbeats 500 [--database postgres://...?schema=NAME]
 * Without --database it uses a SQLite file in a temporary folder; a PostgreSQL schema it names is dropped afterwards.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { seedSizedHeartbeat } from '@lanet/contracts';
import { defaultHistoryConfig } from '../history-config.js';
import { openStore, isPostgresUrl } from '../store/open-store.js';
import { parsePostgresUrl } from '../store/postgres-support.js';
import type { HeartbeatWrite } from '../store/store.js';
import { plainHeartbeatWrite } from '../test/heartbeat-write.js';

const { values } = parseArgs({
  options: { agents: { type: 'string', default: '20' }, heartbeats: { type: 'string', default: '500' }, database: { type: 'string' } },
});
const agents = Number(values.agents);
const perAgent = Number(values.heartbeats);
if (!(agents > 0 && perAgent > 0 && agents * perAgent <= 200_000)) throw new Error('--agents and --heartbeats must be positive, at most 200,000 rows in all.');
const dir = mkdtempSync(join(tmpdir(), 'lanet-history-disk-'));
const database = values.database ?? join(dir, 'lanet.db');

const store = await openStore(database);
const start = Date.now() - perAgent * 300_000;
let payloadBytes = 0;
const t0 = performance.now();
for (let a = 0; a < agents; a++) {
  const assetId = randomUUID();
  await store.registerAgent({ fingerprint: `disk-${assetId}`, hostname: `ws-${a}`, tokenHash: `t-${assetId}`, newAssetId: assetId, nowMs: start });
  let batch: HeartbeatWrite[] = [];
  for (let i = 0; i < perAgent; i++) {
    const receivedAtMs = start + i * 300_000;
    const hb = seedSizedHeartbeat();
    hb.asset_id = assetId;
    hb.timestamp = new Date(receivedAtMs).toISOString();
    hb.status!.cpu_usage = (i * 7) % 100; // figures change from beat to beat, as real ones do
    hb.status!.memory_usage = (i * 13) % 100;
    const payloadJson = JSON.stringify(hb);
    payloadBytes += Buffer.byteLength(payloadJson);
    batch.push(plainHeartbeatWrite(assetId, hb.timestamp, receivedAtMs, payloadJson));
    if (batch.length === 250) {
      await store.writeHeartbeats(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await store.writeHeartbeats(batch);
}
await store.close();
const seedS = (performance.now() - t0) / 1000;

let diskBytes: number;
if (isPostgresUrl(database)) {
  const { connectionString, schema } = parsePostgresUrl(database);
  const client = new pg.Client({ connectionString, ...(schema ? { options: `-c search_path="${schema}"` } : {}) });
  await client.connect();
  await client.query('VACUUM ANALYZE heartbeats');
  const { rows } = await client.query(
    "SELECT pg_total_relation_size('heartbeats') + pg_total_relation_size('agents') + pg_total_relation_size('history_pruned') AS bytes",
  );
  diskBytes = Number(rows[0].bytes);
  if (values.database && schema) await client.query(`DROP SCHEMA "${schema}" CASCADE`);
  await client.end();
} else {
  const db = new Database(database);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  diskBytes = statSync(database).size + (existsSync(`${database}-wal`) ? statSync(`${database}-wal`).size : 0);
}
rmSync(dir, { recursive: true, force: true });

const rows = agents * perAgent;
const perHeartbeat = diskBytes / rows;
// Default policy: 30 days at the 300 s default interval is 8,640 heartbeats; the count (10,000) and the byte budget
// (64 MiB) bind only when an agent sends faster or heavier than that.
const keptPerAgent = Math.min((defaultHistoryConfig.historyMaxAgeDays * 86_400) / 300, defaultHistoryConfig.historyMaxCount);
const budgetRows = Math.floor(defaultHistoryConfig.historyMaxBytes / (payloadBytes / rows));
const per1000 = Math.min(keptPerAgent, budgetRows) * perHeartbeat * 1000;
const gib = (b: number) => (b / 1024 ** 3).toFixed(1);
console.log(
  JSON.stringify(
    {
      store: isPostgresUrl(database) ? 'postgres' : 'sqlite',
      agents,
      heartbeatsPerAgent: perAgent,
      seedSeconds: Number(seedS.toFixed(1)),
      payloadBytesPerHeartbeat: Math.round(payloadBytes / rows),
      diskBytes,
      diskBytesPerHeartbeat: Math.round(perHeartbeat),
      defaultPolicyHeartbeatsPerAgent: Math.min(keptPerAgent, budgetRows),
      per1000AgentsGiB: Number(gib(per1000)),
      worstCasePer1000AgentsGiB: Number(gib((defaultHistoryConfig.historyMaxBytes * perHeartbeat * 1000) / (payloadBytes / rows))),
    },
    null,
    2,
  ),
);
