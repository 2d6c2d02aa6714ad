/**
 * `npm run bench`: throughput of `lanet validate --ndjson` on seed-sized payloads (~6.7 KB, the guide's 5-8 KB),
 * against a baseline measured in the same run on the same file: reading the lines and JSON.parse alone.
 * Target (issue 2): at least 20,000 payloads per second on one core. Figures are medians of several rounds.
 */
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { run } from '../cli/validate-run.js';
import { readLines } from '../cli/read-lines.js';
import { seedSizedHeartbeat } from '../seed-example.js';

const COUNT = Number(process.env.BENCH_COUNT ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TARGET_PER_S = 20_000;

/** Writes COUNT distinct seed-sized heartbeats (metrics and timestamps vary) as NDJSON. */
function writeCorpus(path: string): number {
  const base = seedSizedHeartbeat();
  const lines: string[] = [];
  for (let i = 0; i < COUNT; i += 1) {
    base.asset_id = `3f2b8c1e-9a4d-4c7b-8e21-${i.toString(16).padStart(12, '0')}`;
    base.status!.cpu_usage = (i * 7) % 100;
    base.timestamp = new Date(Date.UTC(2025, 7, 4, 12, 0, 0) + i * 300_000).toISOString();
    lines.push(JSON.stringify(base));
  }
  const text = lines.join('\n') + '\n';
  writeFileSync(path, text);
  return text.length;
}

const sink = () => new Writable({ write: (_chunk, _enc, done) => done() });

async function parseOnly(path: string): Promise<number> {
  let n = 0;
  for await (const line of readLines(createReadStream(path))) if (JSON.parse(line)) n += 1;
  return n;
}

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const dir = mkdtempSync(join(tmpdir(), 'lanet-bench-'));
const corpus = join(dir, 'heartbeats.ndjson');
const bytes = writeCorpus(corpus);
process.stdout.write(`corpus: ${COUNT} payloads, ${(bytes / COUNT / 1024).toFixed(1)} KiB each on average\n`);

const baseline: number[] = [];
const validator: number[] = [];
await parseOnly(corpus); // warm-up: JIT and page cache for both contenders
await run({ input: corpus, type: 'heartbeat', ndjson: true, quiet: true, stdout: sink(), stderr: sink() });
for (let r = 0; r < ROUNDS; r += 1) {
  baseline.push(COUNT / (await timeIt(() => parseOnly(corpus))));
  let code = -1;
  validator.push(
    COUNT /
      (await timeIt(async () => {
        code = await run({ input: corpus, type: 'heartbeat', ndjson: true, quiet: true, stdout: sink(), stderr: sink() });
      })),
  );
  if (code !== 0) throw new Error(`the corpus should be valid, validate exited ${code}`);
}
rmSync(dir, { recursive: true, force: true });

const v = median(validator);
const b = median(baseline);
process.stdout.write(
  `baseline (read lines + JSON.parse): ${Math.round(b).toLocaleString('en')} payloads/s\n` +
    `lanet validate --ndjson:            ${Math.round(v).toLocaleString('en')} payloads/s\n` +
    `ratio validator/baseline: ${(v / b).toFixed(2)}x   target ${TARGET_PER_S.toLocaleString('en')}/s: ${v >= TARGET_PER_S ? 'met' : 'MISSED'}\n`,
);
