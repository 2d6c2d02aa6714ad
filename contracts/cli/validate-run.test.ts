import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seedHeartbeat, seedHeartbeatPath } from '../seed-example.js';
import { run, type ValidateOptions } from './validate-run.js';

const dir = mkdtempSync(join(tmpdir(), 'lanet-validate-'));

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  return {
    stream: new Writable({
      write: (chunk, _enc, done) => {
        text += chunk.toString();
        done();
      },
    }),
    text: () => text,
  };
}

async function validate(options: Partial<ValidateOptions> & { input: string }) {
  const out = capture();
  const err = capture();
  const code = await run({ type: 'heartbeat', ndjson: false, stdout: out.stream, stderr: err.stream, ...options });
  return { code, out: out.text(), err: err.text() };
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('lanet validate run()', () => {
  it('exits 0 on the seed example (HB-1)', async () => {
    const r = await validate({ input: seedHeartbeatPath });
    expect(r.code).toBe(0);
    expect(r.out).toBe('valid heartbeat\n');
  });

  it('exits 1 on cpu_usage 150 and names /status/cpu_usage (HB-3)', async () => {
    const hb = seedHeartbeat();
    hb.status!.cpu_usage = 150;
    const r = await validate({ input: file('cpu150.json', JSON.stringify(hb)) });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^\/status\/cpu_usage: .*100/m);
  });

  it('exits 2 with a clear message for a missing file and for a file that is not JSON', async () => {
    const missing = await validate({ input: join(dir, 'nope.json') });
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no such file');
    const notJson = await validate({ input: file('notjson.txt', 'hello: world') });
    expect(notJson.code).toBe(2);
    expect(notJson.err).toContain('is not JSON');
  });

  it('reads standard input with -', async () => {
    const r = await validate({ input: '-', stdin: Readable.from([JSON.stringify(seedHeartbeat())]) });
    expect(r.code).toBe(0);
  });

  it('validates other message types with --type', async () => {
    const ok = await validate({
      input: file('reg.json', JSON.stringify({ hardware_fingerprint: 'sha256:0123456789abcdef', hostname: 'pc' })),
      type: 'register-request',
    });
    expect(ok.code).toBe(0);
    const bad = await validate({ input: file('reg-bad.json', JSON.stringify({ hardware_fingerprint: 'short', hostname: '' })), type: 'register-request' });
    expect(bad.code).toBe(1);
    expect(
      bad.out
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(':')[0]),
    ).toEqual(['/hardware_fingerprint', '/hostname']);
  });

  it('--ndjson: reports each bad line by number, skips blank lines, ends with a summary', async () => {
    const bad = seedHeartbeat();
    bad.status!.memory_usage = -1;
    const lines = [JSON.stringify(seedHeartbeat()), '', JSON.stringify(bad), '{not json', JSON.stringify(seedHeartbeat())];
    const r = await validate({ input: file('many.ndjson', lines.join('\r\n') + '\n'), ndjson: true });
    expect(r.code).toBe(1);
    expect(r.out).toContain('line 3: /status/memory_usage:');
    expect(r.out).toContain('line 4: (root): not JSON');
    expect(r.err).toBe('4 heartbeat payload(s): 2 valid, 2 invalid\n');
  });

  it('--ndjson: exits 0 when every line is valid, 2 when the file is missing', async () => {
    const good = await validate({ input: file('good.ndjson', `${JSON.stringify(seedHeartbeat())}\n${JSON.stringify(seedHeartbeat())}`), ndjson: true });
    expect(good.code).toBe(0);
    expect(good.err).toBe('2 heartbeat payload(s): 2 valid, 0 invalid\n');
    expect((await validate({ input: join(dir, 'missing.ndjson'), ndjson: true })).code).toBe(2);
  });
});

describe('lanet validate (the real CLI, spawned once)', () => {
  it('validates from a file and exits with the documented codes', () => {
    const bin = fileURLToPath(new URL('../../bin/lanet.js', import.meta.url));
    const hb = seedHeartbeat();
    hb.status!.cpu_usage = 150;
    const r = spawnSync(process.execPath, [bin, 'validate', '-'], { input: JSON.stringify(hb), encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('/status/cpu_usage');
    const usage = spawnSync(process.execPath, [bin, 'validate', '--type', 'bogus'], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
  });
});
