/**
 * `npm run bench:server`: heartbeats/s and p50/p99 latency at 100 connections with seed-sized payloads, for the reference
 * server (group commit, and with --max-batch 1 to show what group commit buys) and for the plain node:http baseline,
 * on SQLite and PostgreSQL, in one run. Options: --duration S (10) --warmup S (3) --connections N (100)
 * --stores sqlite,postgres --no-unbatched --rounds N (1; each configuration once per round, medians reported).
 * Writes reports/server-bench.json. Loopback only; every run is bounded in time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnReferenceServer } from '@lanet/cli/spawn-reference-server';
import { openStore } from '../store/open-store.js';
import { newTestSchema, type TestSchema } from '../test/postgres-schema.js';
import { queryDatabase } from '../test/database-text.js';
import { runLoad, type BenchAgent, type LoadResult } from './load-run.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '100' },
    stores: { type: 'string', default: 'sqlite,postgres' },
    'no-unbatched': { type: 'boolean', default: false },
    rounds: { type: 'string', default: '1' },
  },
});
const DURATION_S = Math.min(120, Number(args.duration));
const WARMUP_S = Math.min(30, Number(args.warmup));
const CONNECTIONS = Math.min(1000, Number(args.connections));
// Shared machines drift by +-20 % within minutes: every round runs each configuration once, in turn, and the report
// gives each one's median round and the median of the per-round reference/baseline ratios.
const ROUNDS = Math.max(1, Math.min(9, Number(args.rounds)));
const AGENTS = 100;
const SECRET = randomBytes(24).toString('hex');
const ADMIN = randomBytes(24).toString('hex');
const BASELINE = fileURLToPath(new URL('./baseline-server.ts', import.meta.url));

/** A database of the given kind, fresh for one server. */
function freshDatabase(kind: string, dir: string, schemas: TestSchema[]): string {
  if (kind === 'sqlite') return join(dir, `${randomUUID()}.db`);
  const schema = newTestSchema();
  schemas.push(schema);
  return schema.url;
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux): a figure other load on the box does not inflate. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in clock ticks of 10 ms (USER_HZ 100)
}

/** A measured run plus what it cost the server in CPU. */
type Measured = LoadResult & { stored: number; cpuUsPerOk: number };

async function measure(label: string, url: string, pid: number, agents: BenchAgent[], database: string): Promise<Measured> {
  const before = await storedCount(database);
  const cpu0 = cpuMs(pid);
  const result = await runLoad(label, url, agents, CONNECTIONS, DURATION_S);
  const cpu = cpuMs(pid) - cpu0;
  // Requests still in flight when autocannon stops are committed but not counted as 2xx: stored >= 2xx is expected.
  return { ...result, stored: (await storedCount(database)) - before, cpuUsPerOk: Math.round((cpu * 1000) / Math.max(1, result.ok)) };
}

async function storedCount(database: string): Promise<number> {
  const rows = await queryDatabase(database, 'SELECT COUNT(*) AS n FROM heartbeats');
  return Number(rows[0]!.n);
}

/** Loads the reference server: warm-up, then the measured run; checks every 200 was stored. */
async function benchReference(kind: string, dir: string, schemas: TestSchema[], maxBatch?: number): Promise<Measured> {
  const database = freshDatabase(kind, dir, schemas);
  const server = await spawnReferenceServer({
    enrollmentSecret: SECRET,
    adminToken: ADMIN,
    database,
    extraArgs: maxBatch ? ['--max-batch', String(maxBatch)] : [],
    env: { LANET_ESCROW_KEY: randomBytes(32).toString('hex'), LANET_LOG_LEVEL: 'warn' },
  });
  try {
    const agents: BenchAgent[] = [];
    for (let i = 0; i < AGENTS; i++) {
      const res = await fetch(`${server.url}/api/agents/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
        body: JSON.stringify({ hardware_fingerprint: `sha256:bench-${randomUUID()}`, hostname: `bench-${i}` }),
      });
      const body = (await res.json()) as { asset_id: string; agent_token: string };
      agents.push({ assetId: body.asset_id, token: body.agent_token });
    }
    await runLoad('warm-up', server.url, agents, CONNECTIONS, WARMUP_S);
    const label = `reference ${kind}${maxBatch === 1 ? ' (no group commit)' : ''}`;
    const result = await measure(label, server.url, server.process.pid!, agents, database);
    await server.stop();
    return result;
  } finally {
    await server.stop();
  }
}

/** Starts the baseline child and resolves with its URL. */
function startBaseline(database: string, synchronous: 'FULL' | 'NORMAL'): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--conditions=@lanet/source', '--import', 'tsx', BASELINE, database, synchronous], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('baseline did not start within 20 s')), 20_000);
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child });
      }
    });
    child.once('exit', (code) => reject(new Error(`baseline exited with ${code}`)));
  });
}

async function benchBaseline(kind: string, dir: string, schemas: TestSchema[], synchronous: 'FULL' | 'NORMAL' = 'FULL'): Promise<Measured> {
  const database = freshDatabase(kind, dir, schemas);
  const store = await openStore(database);
  const agents: BenchAgent[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const { assetId } = await store.registerAgent({
      fingerprint: `sha256:bench-${randomUUID()}`,
      hostname: `bench-${i}`,
      tokenHash: randomUUID(),
      newAssetId: randomUUID(),
      nowMs: Date.now(),
    });
    agents.push({ assetId, token: 'unused-by-the-baseline' });
  }
  await store.close();
  const { url, child } = await startBaseline(database, synchronous);
  try {
    await runLoad('warm-up', url, agents, CONNECTIONS, WARMUP_S);
    return await measure(`baseline ${kind}${synchronous === 'NORMAL' ? ' (sync=NORMAL)' : ''}`, url, child.pid!, agents, database);
  } finally {
    child.kill('SIGTERM');
  }
}

function row(r: Measured, all: Measured[]): string {
  const spread = all.length > 1 ? ` (${all.map((x) => x.okPerS).join(', ')})` : '';
  return `| ${r.label.padEnd(34)} | ${String(r.okPerS).padStart(7)}${spread} | ${String(r.p50Ms).padStart(6)} | ${String(r.p99Ms).padStart(6)} | ${String(r.non2xx + r.errors).padStart(7)} | ${String(r.stored).padStart(7)} / ${String(r.ok).padEnd(7)} | ${String(r.cpuUsPerOk).padStart(9)} |`;
}

/** The middle value (the upper one of an even count). */
function median<T>(xs: T[], by: (x: T) => number): T {
  return [...xs].sort((a, b) => by(a) - by(b))[Math.floor(xs.length / 2)]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lanet-bench-'));
  const schemas: TestSchema[] = [];
  const report: Record<string, unknown> = {
    connections: CONNECTIONS,
    durationS: DURATION_S,
    rounds: ROUNDS,
    payload: 'seedSizedHeartbeat()',
    at: new Date().toISOString(),
    results: [],
  };
  const lines = [
    `| run (median of ${ROUNDS} round${ROUNDS > 1 ? 's' : ''}) |  2xx/s  | p50 ms | p99 ms | non-2xx | stored / 2xx      | server CPU µs/hb |`,
    '|---|---|---|---|---|---|---|',
  ];
  const summary: string[] = [];
  try {
    for (const kind of args.stores!.split(',')) {
      const configs: Array<[string, () => Promise<Measured>]> = [['ref', () => benchReference(kind, dir, schemas)]];
      if (!args['no-unbatched']) configs.push(['unbatched', () => benchReference(kind, dir, schemas, 1)]);
      configs.push(['base', () => benchBaseline(kind, dir, schemas)]);
      // SQLite: also the baseline without the per-commit fsync, the CPU-only ceiling of node:http + JSON.parse + Zod + INSERT.
      if (kind === 'sqlite') configs.push(['ceiling', () => benchBaseline(kind, dir, schemas, 'NORMAL')]);
      const runs = new Map<string, Measured[]>(configs.map(([key]) => [key, []]));
      for (let round = 1; round <= ROUNDS; round++) {
        for (const [key, go] of configs) {
          const m = await go();
          runs.get(key)!.push(m);
          process.stderr.write(`[${kind} round ${round}/${ROUNDS}] ${m.label}: ${m.okPerS}/s p99 ${m.p99Ms} ms\n`);
        }
      }
      const pick = (key: string) => {
        const all = runs.get(key);
        return all ? { m: median(all, (x) => x.okPerS), all } : undefined;
      };
      const [ref, unbatched, base, ceiling] = ['ref', 'unbatched', 'base', 'ceiling'].map(pick);
      for (const r of [ref, unbatched, base, ceiling]) if (r) lines.push(row(r.m, r.all));
      (report.results as unknown[]).push(...[...runs.values()].flat());
      const ratios = runs.get('ref')!.map((r, i) => r.okPerS / runs.get('base')![i]!.okPerS);
      const ratio = median(ratios, (x) => x);
      const best = ref!.m;
      summary.push(
        `${kind}: reference ${best.okPerS}/s p99 ${best.p99Ms} ms; baseline ${base!.m.okPerS}/s; ratio ${ratio.toFixed(2)}x` +
          (ROUNDS > 1 ? ` (per round: ${ratios.map((x) => x.toFixed(2)).join(', ')})` : '') +
          `; server CPU per heartbeat ${best.cpuUsPerOk} µs vs baseline ${base!.m.cpuUsPerOk} µs${ceiling ? ` (fsync-free ${ceiling.m.cpuUsPerOk} µs)` : ''}` +
          (ceiling ? `; vs the fsync-free baseline ${ceiling.m.okPerS}/s: ${(best.okPerS / ceiling.m.okPerS).toFixed(2)}x` : '') +
          (unbatched ? `; group commit buys ${(best.okPerS / Math.max(1, unbatched.m.okPerS)).toFixed(2)}x over one commit per heartbeat` : '') +
          (kind === 'sqlite'
            ? ` | targets: >= 4000/s ${best.okPerS >= 4000 ? 'met' : 'MISSED'}, p99 < 100 ms ${best.p99Ms < 100 ? 'met' : 'MISSED'}, >= 0.6x ${ratio >= 0.6 ? 'met' : 'MISSED'}`
            : '') +
          (runs.get('ref')!.some((r) => r.stored < r.ok) ? ' | WARNING: a run answered more 2xx than it stored' : ''),
      );
    }
  } finally {
    for (const s of schemas) await s.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    `\nServer benchmark: ${CONNECTIONS} connections, ${DURATION_S} s per run (after ${WARMUP_S} s warm-up), ${ROUNDS} round(s), seed-sized heartbeats (~6.7 KB)\n\n${lines.join('\n')}\n\n${summary.join('\n')}\n`,
  );
  mkdirSync('reports', { recursive: true });
  writeFileSync('reports/server-bench.json', JSON.stringify({ ...report, summary }, null, 2));
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:server failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 2;
});
