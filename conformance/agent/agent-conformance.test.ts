import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runAgentConformance } from './run-agent-conformance.js';

const LANET = fileURLToPath(new URL('../../bin/lanet.js', import.meta.url));
const sink = () => new Writable({ write: (_c, _e, cb) => cb() });

/** A writable that keeps what was written. */
function capture(): Writable & { text: () => string } {
  let text = '';
  const w = new Writable({ write: (c, _e, cb) => { text += c.toString(); cb(); } }) as Writable & { text: () => string };
  w.text = () => text;
  return w;
}

describe('lanet conformance agent against the reference agent', () => {
  it('the reference agent started 20 s after the mock, at a 4 s interval, passes AG-1..AG-7 through outage, 503, 400, 401 and a slow answer', async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'lanet-agent-conf-'));
    let agent: ChildProcess | undefined;
    let late: NodeJS.Timeout | undefined;
    try {
      // The run is bounded from the agent's first request (its last slot comes about 52 s after it). A clock started
      // at listen (the old behaviour) would end this run at 58 s, before the late agent's 401 slot and re-registration.
      const run = await runAgentConformance({
        host: '127.0.0.1', port: 0, intervalS: 4, failOn: 'should', waitS: 60, timeoutS: 58, out: sink(), err: sink(),
        onListening: (url, secret) => {
          late = setTimeout(() => {
            agent = spawn(process.execPath, [LANET, 'agent', '--server', url, '--enrollment-secret', secret, '--interval', '4', '--startup-delay', '0', '--config-dir', configDir, '--log-level', 'silent'], { stdio: 'ignore' });
          }, 20_000);
        },
      });
      const notPassed = run.results.filter((r) => r.status === 'fail').map((r) => `${r.id}: ${r.detail}`);
      expect(notPassed).toEqual([]);
      expect(run.exitCode).toBe(0);
    } finally {
      clearTimeout(late);
      agent?.kill('SIGTERM');
      rmSync(configDir, { recursive: true, force: true });
    }
  }, 150_000);

  it('says "no agent connected in N s" and exits 2 (not FAIL) when no agent comes', async () => {
    const err = capture();
    const run = await runAgentConformance({ host: '127.0.0.1', port: 0, intervalS: 1, failOn: 'must', waitS: 1, out: sink(), err });
    expect(run.exitCode).toBe(2);
    expect(run.results).toEqual([]);
    expect(err.text()).toMatch(/no agent connected in 1 s/);
  });
});
