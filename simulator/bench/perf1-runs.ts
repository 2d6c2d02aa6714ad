/**
 * PERF-1 in consecutive runs (issue 13): each run starts a fresh reference server (temporary SQLite) and runs
 * `lanet simulate` against it in its own process, start-up burst included, then prints the run's p99, lost count,
 * the simulator's and the server's CPU share (CPU seconds / wall seconds, from /proc, so 1.0 = one core) and both
 * processes' peak RSS. Options: --runs N (5) --agents N (2000) --time-scale K (300) --duration S (60)
 * --report-dir DIR (perf1-runs) --connections N (simulate's default) --warm-up (the server's). Writes DIR/perf1-runs.json. Loopback only; every run is bounded in time.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnReferenceServer } from '@lanet/cli/spawn-reference-server';
import { SEMI_SPACE_MB } from '../cli/young-generation.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    agents: { type: 'string', default: '2000' },
    'time-scale': { type: 'string', default: '300' },
    duration: { type: 'string', default: '60' },
    'report-dir': { type: 'string', default: 'perf1-runs' },
    // Passed to `lanet simulate` when given; without it the simulator's own default applies.
    connections: { type: 'string' },
    // The server compiles its hot path on a throwaway server before listening (`lanet server --warm-up`).
    'warm-up': { type: 'boolean', default: false },
  },
});
const RUNS = Math.max(1, Math.min(20, Number(args.runs)));
const DURATION_S = Math.max(5, Math.min(600, Number(args.duration)));
const LANET = fileURLToPath(new URL('../../bin/lanet.js', import.meta.url));
const OFFLINE_AFTER_S = 600;

/** CPU seconds (user + system) a live process has used, from /proc/PID/stat (Linux, USER_HZ 100). */
function cpuS(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Peak resident set (VmHWM) of a live process in MB. */
function peakRssMb(pid: number): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 1024);
}

interface RunFigures {
  run: number;
  p99_ms: number;
  /** p99 of the sends scheduled after the first interval: the start-up burst apart. */
  p99_after_startup_ms: number | null;
  p50_ms: number;
  sent: number;
  lost: number;
  throughput_per_s: number;
  perf1: string;
  sim_cpu_cores: number;
  server_cpu_cores: number;
  sim_peak_rss_mb: number;
  server_peak_rss_mb: number;
}

mkdirSync(args['report-dir'], { recursive: true });
const results: RunFigures[] = [];
for (let run = 1; run <= RUNS; run++) {
  const secret = randomBytes(24).toString('hex');
  const admin = randomBytes(24).toString('hex');
  const scale = Number(args['time-scale']);
  const server = await spawnReferenceServer({
    enrollmentSecret: secret,
    adminToken: admin,
    offlineAfterS: OFFLINE_AFTER_S / scale,
    startTimeoutMs: 60_000,
    warmUp: args['warm-up'],
  });
  if (!server.url.startsWith('http://127.0.0.1:')) throw new Error(`Refusing to load ${server.url}: loopback targets only.`);
  const serverPid = server.process.pid!;
  const dir = join(args['report-dir'], `run-${run}`);
  try {
    const serverCpu0 = cpuS(serverPid);
    const t0 = performance.now();
    const sim = spawn(
      process.execPath,
      [
        // The semi-space `lanet simulate` would re-spawn itself with, given here so the PID sampled is the simulator's.
        `--max-semi-space-size=${SEMI_SPACE_MB}`,
        LANET,
        'simulate',
        '--target',
        server.url,
        '--agents',
        args.agents,
        '--time-scale',
        String(scale),
        '--duration',
        `${DURATION_S}s`,
        '--offline-after',
        String(OFFLINE_AFTER_S / scale),
        '--report-dir',
        dir,
        '--no-progress',
        ...(args.connections ? ['--connections', args.connections] : []),
      ],
      { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, LANET_ENROLLMENT_SECRET: secret, LANET_ADMIN_TOKEN: admin } },
    );
    let simCpu = 0;
    let simRss = 0;
    // Sample the simulator while it lives: its /proc entry is gone once it exits.
    const sampler = setInterval(() => {
      try {
        simCpu = cpuS(sim.pid!);
        // An exiting process loses VmHWM before its /proc entry goes: keep the last real figure.
        const rss = peakRssMb(sim.pid!);
        if (Number.isFinite(rss)) simRss = rss;
      } catch {
        /* exited between samples */
      }
    }, 200);
    const code = await new Promise<number>((resolve) => sim.on('exit', (c) => resolve(c ?? 1)));
    clearInterval(sampler);
    const wallS = (performance.now() - t0) / 1000;
    const serverCpu = cpuS(serverPid) - serverCpu0;
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
      sent: number;
      lost: number;
      throughput_per_s: number;
      latency_ms: { p50: number; p99: number };
      latency_after_startup_ms?: { p99: number; count: number };
      checks: { requirement: string; status: string }[];
    };
    const figures: RunFigures = {
      run,
      p99_ms: report.latency_ms.p99,
      p99_after_startup_ms: report.latency_after_startup_ms?.count ? report.latency_after_startup_ms.p99 : null,
      p50_ms: report.latency_ms.p50,
      sent: report.sent,
      lost: report.lost,
      throughput_per_s: report.throughput_per_s,
      perf1: report.checks.find((c) => c.requirement === 'PERF-1')?.status ?? 'absent',
      sim_cpu_cores: Math.round((simCpu / wallS) * 100) / 100,
      server_cpu_cores: Math.round((serverCpu / wallS) * 100) / 100,
      sim_peak_rss_mb: simRss,
      server_peak_rss_mb: peakRssMb(serverPid),
    };
    results.push(figures);
    console.log(`run ${run} (exit ${code}): ${JSON.stringify(figures)}`);
  } finally {
    await server.stop();
  }
}
const passed = results.filter((r) => r.perf1 === 'pass' && r.p99_ms < 100 && r.lost === 0).length;
console.log(
  `PERF-1: ${passed} of ${RUNS} runs with p99 < 100 ms and 0 lost; p99 by run: ${results.map((r) => r.p99_ms).join(', ')} ms (start-up included); after the start-up interval: ${results.map((r) => r.p99_after_startup_ms ?? '-').join(', ')} ms`,
);
writeFileSync(join(args['report-dir'], 'perf1-runs.json'), `${JSON.stringify(results, null, 2)}\n`);
process.exitCode = passed === RUNS ? 0 : 1;
