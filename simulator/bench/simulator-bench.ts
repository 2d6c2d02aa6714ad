/**
 * `npm run bench:simulator`: (1) 10,000 agents at the real 300 s interval: the simulator's CPU share and memory
 * while it holds them (target < 5 % of a core, < 200 MB); (2) saturation: the simulator's accepted heartbeats/s
 * against autocannon's on the same reference server, payload (seed-sized, ~6.7 KB) and connection count, measured
 * side by side in alternating rounds (target >= 0.9x). Options: --idle-agents N (10000) --idle-duration S (120)
 * --duration S (8) --rounds N (2) --connections N (32) --skip-idle. Writes simulator/bench/last-bench.json.
 * Loopback only; every phase is bounded in time.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { spawnReferenceServer } from '@lanet/cli/spawn-reference-server';
import { HeartbeatScheduler } from '@lanet/reference-agent/scheduler/heartbeat-scheduler';
import { seedSizedInventory } from '../agents/agent-inventory.js';
import { runFleet } from '../engine/fleet-runner.js';
import { ResourceMonitor, type ResourceSummary } from '../metrics/resource-monitor.js';
import { summarizeMs } from '../metrics/run-metrics.js';
import { TargetClient } from '../transport/target-client.js';
import { autocannonLoad, type EnrolledAgent } from './autocannon-load.js';

const { values: args } = parseArgs({
  options: {
    'idle-agents': { type: 'string', default: '10000' },
    'idle-duration': { type: 'string', default: '120' },
    duration: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    'skip-idle': { type: 'boolean', default: false },
  },
});
const idleAgents = Number(args['idle-agents']);
const idleDurationS = Math.min(540, Number(args['idle-duration']));
const durationS = Math.min(60, Number(args.duration));
const rounds = Math.min(5, Number(args.rounds));
const connections = Number(args.connections);

const secret = randomBytes(24).toString('hex');
const admin = randomBytes(24).toString('hex');
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Phase 1: the simulator holding a large fleet at the real interval; CPU from process.cpuUsage, memory from RSS. */
async function idlePhase(): Promise<{ figures: Record<string, number>; resources: ResourceSummary | undefined }> {
  const server = await spawnReferenceServer({ enrollmentSecret: secret, adminToken: admin });
  try {
    log(`idle: registering ${idleAgents} agents, then holding them for ${idleDurationS} s at the real 300 s interval`);
    let cpuStart = process.cpuUsage();
    let wallStart = performance.now();
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
    let monitor: ResourceMonitor | undefined;
    const result = await runFleet({
      sendUrl: server.url,
      agents: idleAgents,
      shard: { index: 0, count: 1 },
      durationS: idleDurationS,
      timeScale: 1,
      intervalS: 300,
      seed: 1,
      enrollmentSecret: secret,
      connections,
      inventoryFor: seedSizedInventory,
      createScheduler: (random) => new HeartbeatScheduler({ intervalS: 300 }, random),
      onStart: () => {
        // Measure only the holding phase, not registration (which is the target's work and a one-off).
        cpuStart = process.cpuUsage();
        wallStart = performance.now();
        peakRss = 0;
        monitor = new ResourceMonitor().start();
      },
    });
    const resources = monitor?.stop();
    const cpu = process.cpuUsage(cpuStart);
    const wallMs = performance.now() - wallStart;
    clearInterval(sampler);
    const mem = process.memoryUsage();
    const figures = {
      agents: result.agents.length,
      registration_s: Math.round(result.registrationMs / 100) / 10,
      held_s: Math.round(wallMs / 100) / 10,
      sent: result.metrics.sent,
      accepted: result.metrics.accepted,
      cpu_percent_of_core: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 1000) / 10,
      peak_rss_mb: Math.round(peakRss / 1048576),
      heap_used_mb: Math.round(mem.heapUsed / 1048576),
      p99_ms: summarizeMs(result.metrics.latencyUs).p99,
    };
    log(`idle: ${JSON.stringify(figures)}`);
    if (resources) logMinutes('idle', resources);
    return { figures, resources };
  } finally {
    await server.stop();
  }
}

/** Prints the process's RSS, GC and CPU per minute of a phase (issue 13: memory flat, GC cost visible). */
function logMinutes(phase: string, r: ResourceSummary): void {
  for (const m of r.minutes)
    log(
      `${phase}: at ${m.at_s} s RSS ${m.rss_mb} MB (peak ${m.peak_rss_mb}), heap ${m.heap_used_mb} MB, GC ${m.gc_ms} ms in ${m.gc_count} collections, CPU ${m.cpu_percent_of_core} % of a core`,
    );
}

/** CPU microseconds (user + system) per accepted heartbeat. */
function cpuPerRequestUs(used: NodeJS.CpuUsage, ok: number): number {
  return Math.round((used.user + used.system) / Math.max(ok, 1));
}

/** Phase 2: alternating autocannon and simulator saturation rounds against one server. */
async function saturationPhase(): Promise<Record<string, unknown>> {
  const server = await spawnReferenceServer({ enrollmentSecret: secret, adminToken: admin, offlineAfterS: 3600 });
  const client = new TargetClient(server.url, { connections: 8, timeoutMs: 15_000 });
  try {
    const acAgents: EnrolledAgent[] = [];
    for (let i = 0; i < 2 * connections; i++) {
      const reg = await client.register(secret, { hardware_fingerprint: `bench-autocannon-${String(i).padStart(8, '0')}`, hostname: `bench-ac-${i}` });
      acAgents.push({ assetId: reg.asset_id, token: reg.agent_token });
    }
    const rows: Array<Record<string, unknown>> = [];
    const monitor = new ResourceMonitor().start();
    for (let round = 1; round <= rounds; round++) {
      // The load generator's own CPU per accepted heartbeat: on 2 cores what it spends, the server does not get.
      let cpu = process.cpuUsage();
      const ac = await autocannonLoad(server.url, acAgents, connections, durationS);
      const acCpuUs = cpuPerRequestUs(process.cpuUsage(cpu), ac.ok);
      log(`round ${round} autocannon: ${ac.okPerS}/s ok (p50 ${ac.p50Ms} ms, p99 ${ac.p99Ms} ms, non-2xx ${ac.non2xx}, errors ${ac.errors})`);
      // Saturation for the simulator: 2 agents per connection and an interval of 1 real ms, so every agent sends
      // again as soon as its answer is in (the pool stays full, as autocannon's connections do).
      cpu = process.cpuUsage();
      const sim = await runFleet({
        sendUrl: server.url,
        agents: 2 * connections,
        shard: { index: 0, count: 1 },
        durationS,
        timeScale: 300_000,
        intervalS: 300,
        seed: round,
        enrollmentSecret: secret,
        connections,
        inventoryFor: seedSizedInventory,
        // The same uncompressed bytes autocannon posts: this compares the load generators, not gzip (the simulator's
        // default wire gzips, as the reference agent does).
        wire: { gzip: false },
        createScheduler: (random) => new HeartbeatScheduler({ intervalS: 300 }, random),
      });
      const simLatency = summarizeMs(sim.metrics.latencyUs);
      const simOkPerS = Math.round(sim.metrics.accepted / durationS);
      log(
        `round ${round} simulator: ${simOkPerS}/s ok (p50 ${simLatency.p50} ms, p99 ${simLatency.p99} ms, lag p99 ${summarizeMs(sim.metrics.lagUs).p99} ms, errors ${sim.metrics.errors}, rejected ${sim.metrics.rejected}, sent ${sim.metrics.sent})`,
      );
      // Registration is in the simulator's figure (runFleet registers its agents first): a slight overstatement.
      const simCpuUs = cpuPerRequestUs(process.cpuUsage(cpu), sim.metrics.accepted);
      log(`round ${round} CPU per accepted heartbeat: autocannon ${acCpuUs} µs, simulator ${simCpuUs} µs`);
      rows.push({
        round,
        autocannon_ok_per_s: ac.okPerS,
        simulator_ok_per_s: simOkPerS,
        ratio: Math.round((simOkPerS / Math.max(ac.okPerS, 1)) * 100) / 100,
        autocannon_cpu_us_per_ok: acCpuUs,
        simulator_cpu_us_per_ok: simCpuUs,
      });
    }
    const resources = monitor.stop();
    logMinutes('saturation', resources);
    const ac = rows.reduce((n, r) => n + (r.autocannon_ok_per_s as number), 0) / rows.length;
    const sim = rows.reduce((n, r) => n + (r.simulator_ok_per_s as number), 0) / rows.length;
    return {
      connections,
      duration_s: durationS,
      rounds: rows,
      autocannon_mean_ok_per_s: Math.round(ac),
      simulator_mean_ok_per_s: Math.round(sim),
      ratio: Math.round((sim / Math.max(ac, 1)) * 100) / 100,
      resources,
    };
  } finally {
    await client.close();
    await server.stop();
  }
}

const idlePhaseResult = args['skip-idle'] ? undefined : await idlePhase();
const idle = idlePhaseResult?.figures;
const saturation = await saturationPhase();
const report = { when: new Date().toISOString(), idle: idlePhaseResult && { ...idlePhaseResult.figures, resources: idlePhaseResult.resources }, saturation };
writeFileSync(new URL('./last-bench.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
const ok = (saturation.ratio as number) >= 0.9 && (!idle || (idle.cpu_percent_of_core! < 5 && idle.peak_rss_mb! < 200));
process.stdout.write(
  `\nsimulator/autocannon saturation ratio ${saturation.ratio} (target >= 0.9)${idle ? `; ${idle.agents} agents at 300 s: ${idle.cpu_percent_of_core} % of a core (target < 5), peak RSS ${idle.peak_rss_mb} MB (target < 200)` : ''}: ${ok ? 'PASS' : 'MISSED'}\n`,
);
