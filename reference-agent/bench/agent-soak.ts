/**
 * Soak run of the real agent CLI against the real reference server (issue 5, must-show): by default 10 minutes at a
 * 5 s development interval (everything time-compressed by 5/300, so AG-1's ±30 s window becomes ±0.5 s), with the
 * server stopped and restarted on the same database and port half-way. Reports whether every scheduled send was in
 * its window, whether the agent kept its identity across the restart, and the agent's RSS and CPU (PERF-3).
 *
 *   npx tsx reference-agent/bench/agent-soak.ts [--duration-s 600] [--interval-s 5] [--restart-at-s 300] [--downtime-s 3]
 *       [--agent tsx|bundle] ["--node-flags=--max-semi-space-size=1 --lite-mode --no-expose-wasm"] [--samples-out FILE.json]
 *
 * `--agent bundle` runs the single-file agent (`npm run build:agent` first) the way the Windows service does, with
 * the given node flags (default: the service's, AGENT_NODE_FLAGS); `tsx` runs `lanet agent` from the TypeScript.
 *
 * Loopback only; bounded in time (duration + 30 s) and count (one agent, one server).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnReferenceServer, type SpawnedServer } from '@lanet/cli/spawn-reference-server';
import { agentBundlePath } from '../bundle/build-agent.js';
import { AGENT_NODE_FLAGS } from '../service/winsw-definition.js';

const { values } = parseArgs({
  options: {
    'duration-s': { type: 'string', default: '600' },
    'interval-s': { type: 'string', default: '5' },
    'restart-at-s': { type: 'string' },
    'downtime-s': { type: 'string', default: '3' },
    agent: { type: 'string', default: 'tsx' },
    'node-flags': { type: 'string' },
    // Writes every RSS sample and the agent's cycle logs as JSON, to see when in a cycle the peak comes.
    'samples-out': { type: 'string' },
  },
});
const durationS = Math.min(Number(values['duration-s']), 900);
const intervalS = Number(values['interval-s']);
const restartAtS = Number(values['restart-at-s'] ?? durationS / 2);
const downtimeS = Number(values['downtime-s']);
const windowMs = 30_000 * (intervalS / 300);
const LANET = fileURLToPath(new URL('../../bin/lanet.js', import.meta.url));
const SECRET = 'soak-enrollment-secret';
const ADMIN = 'soak-admin-token-0123456789abcdef0123456789';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** CPU ticks (self, and reaped children such as lsblk and dpkg-query) and RSS of a process, from /proc. */
function procSample(pid: number): { ticks: number; childTicks: number; rssKb: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { ticks: Number(f[11]) + Number(f[12]), childTicks: Number(f[13]) + Number(f[14]), rssKb: Number(rss?.[1] ?? 0) };
  } catch {
    return undefined;
  }
}

const work = mkdtempSync(join(tmpdir(), 'lanet-soak-'));
const database = join(work, 'lanet.db');
const configDir = join(work, 'agent');
const port = await freePort();
const startServer = () =>
  spawnReferenceServer({ enrollmentSecret: SECRET, adminToken: ADMIN, database, extraArgs: ['--port', String(port)], startTimeoutMs: 120_000 });
let server: SpawnedServer = await startServer();
const url = server.url;
process.stderr.write(`soak: server ${url}, ${durationS} s at ${intervalS} s interval, restart at ${restartAtS} s for ${downtimeS} s, window ±${windowMs} ms\n`);

const bundled = values.agent === 'bundle';
const nodeFlags = bundled ? (values['node-flags'] ?? AGENT_NODE_FLAGS.join(' ')).split(' ').filter(Boolean) : [];
const entry = bundled ? [...nodeFlags, agentBundlePath] : [LANET, 'agent'];
process.stderr.write(`soak: agent ${bundled ? `bundle ${agentBundlePath} with node flags [${nodeFlags.join(' ')}]` : 'lanet agent under tsx'}\n`);
const agent = spawn(
  process.execPath,
  [...entry, '--server', url, '--enrollment-secret', SECRET, '--interval', String(intervalS), '--startup-delay', '0', '--config-dir', configDir],
  {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LANET_LOG_LEVEL: 'info' },
  },
);
const logs: Array<Record<string, unknown>> = [];
let partial = '';
agent.stderr.on('data', (chunk: Buffer) => {
  partial += chunk.toString();
  const lines = partial.split('\n');
  partial = lines.pop() ?? '';
  for (const line of lines) {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      process.stderr.write(`agent: ${line}\n`);
    }
  }
});

const started = Date.now();
const samples: Array<{ t: number; ticks: number; childTicks: number; rssKb: number }> = [];
let identityBefore: string | undefined;
let restarted = false;
while (Date.now() - started < durationS * 1000) {
  await sleep(1000);
  const s = procSample(agent.pid!);
  if (s) samples.push({ t: Date.now() - started, ...s });
  if (!restarted && Date.now() - started >= restartAtS * 1000) {
    restarted = true;
    identityBefore = readFileSync(join(configDir, 'identity.json'), 'utf8');
    process.stderr.write(`soak: stopping the server at ${Math.round((Date.now() - started) / 1000)} s\n`);
    await server.stop();
    await sleep(downtimeS * 1000);
    server = await startServer();
    process.stderr.write(`soak: server back at ${server.url}\n`);
  }
}
// Stop the agent first, so the server's count and the agent's log cover the same sends.
agent.kill('SIGTERM');
await new Promise((r) => agent.once('exit', r));
const identityAfter = readFileSync(join(configDir, 'identity.json'), 'utf8');
const assetId = (JSON.parse(identityAfter) as { asset_id: string }).asset_id;
const fleet = (await (await fetch(`${url}/api/agents`, { headers: { Authorization: `Bearer ${ADMIN}` } })).json()) as unknown;
// Every page of the history: a page stops at 8 MB (reference server), ~80 heartbeats of this VM's 106 KB inventory.
const storedItems: unknown[] = [];
for (let cursor: string | null = null, pages = 0; pages < 20; pages++) {
  const query: string = `limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  const page = (await (await fetch(`${url}/api/agents/${assetId}/heartbeats?${query}`, { headers: { Authorization: `Bearer ${ADMIN}` } })).json()) as {
    items?: unknown[];
    next_cursor?: string | null;
  };
  storedItems.push(...(page.items ?? []));
  cursor = page.next_cursor ?? null;
  if (!cursor) break;
}
const stored = { items: storedItems };
await server.stop();
rmSync(work, { recursive: true, force: true });

// AG-1: the first heartbeat goes at start-up once registered and collected (its lateness is the registration and
// the first collection, reported apart); the n-th (n >= 1) grid send must start within the scaled window.
// Retries after the restart are judged by AG-2 (they are listed under failed_attempts).
const sends = logs.filter((l) => l.action === 'send');
const startup = sends.find((l) => l.reason === 'startup');
const scheduled = sends.filter((l) => l.reason === 'schedule' || l.reason === 'after-reject');
const late = scheduled.map((l) => Number(l.late_ms));
const outside = scheduled.filter((l) => Math.abs(Number(l.late_ms)) > windowMs);
const accepted = sends.filter((l) => l.msg === 'send accepted');
const failed = sends.filter((l) => l.msg !== 'send accepted');
const cycleCpu = accepted.map((l) => Number(l.cpu_ms)).filter(Number.isFinite);
const cycleRss = accepted.map((l) => Number(l.rss_mb)).filter(Number.isFinite);
const hz = 100; // USER_HZ on Linux
const first = samples[0]!;
const last = samples[samples.length - 1]!;
const wallS = (last.t - first.t) / 1000;
const storedCount = (stored.items ?? []).length;
const report = {
  agent: bundled ? `bundle, node ${nodeFlags.join(' ')}`.trim() : 'tsx',
  duration_s: durationS,
  interval_s: intervalS,
  window_ms: windowMs,
  startup_send_late_ms: startup?.late_ms,
  scheduled_sends: scheduled.length,
  expected_slots: Math.floor(durationS / intervalS),
  sends_outside_window: outside.length,
  outside_window: outside.map((l) => `${l.reason} due ${l.due_at} late ${l.late_ms} ms`),
  lateness_ms: { min: Math.min(...late), max: Math.max(...late), mean: Math.round(late.reduce((a, b) => a + b, 0) / late.length) },
  accepted: accepted.length,
  failed_attempts: failed.map((l) => `${l.reason}: ${l.answer}`),
  registrations: logs.filter((l) => l.msg === 'registered').length,
  identity_kept_across_restart: identityBefore === identityAfter,
  fleet_agents: (fleet as { agents?: unknown[] }).agents?.length ?? fleet,
  stored_heartbeats: storedCount,
  agent_rss_mb: {
    max: Math.max(...samples.map((s) => s.rssKb)) / 1024,
    // When the peak came (s since start): registration and the first collection come first, the restart half-way.
    max_at_s: Math.round((samples.reduce((a, s) => (s.rssKb > a.rssKb ? s : a), samples[0]!).t ?? 0) / 1000),
    p95: [...samples.map((s) => s.rssKb)].sort((a, b) => a - b)[Math.floor(samples.length * 0.95)]! / 1024,
    mean: Math.round(samples.reduce((a, s) => a + s.rssKb, 0) / samples.length / 102.4) / 10,
  },
  agent_cpu_percent_of_core_mean: Math.round(((last.ticks - first.ticks) / hz / wallS) * 1000) / 10,
  agent_children_cpu_percent_of_core_mean: Math.round(((last.childTicks - first.childTicks) / hz / wallS) * 1000) / 10,
  per_cycle_cpu_ms: { mean: Math.round(cycleCpu.reduce((a, b) => a + b, 0) / cycleCpu.length), max: Math.max(...cycleCpu) },
  per_cycle_rss_mb: { max: Math.max(...cycleRss) },
  gzip_ratio: accepted.at(-1)?.gzip_ratio,
  bytes_raw: accepted.at(-1)?.bytes_raw,
  bytes_gzip: accepted.at(-1)?.bytes_gzip,
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
if (values['samples-out']) writeFileSync(values['samples-out'], JSON.stringify({ report, samples, logs }));
// FLT-4 seen from the agent: every accepted heartbeat is stored, once.
const ok = report.sends_outside_window === 0 && report.registrations === 1 && report.identity_kept_across_restart && storedCount === accepted.length;
process.stderr.write(ok ? 'soak: PASS\n' : 'soak: FAIL\n');
process.exitCode = ok ? 0 : 1;
