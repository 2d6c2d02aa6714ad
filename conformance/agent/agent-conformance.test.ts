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
  const w = new Writable({
    write: (c, _e, cb) => {
      text += c.toString();
      cb();
    },
  }) as Writable & { text: () => string };
  w.text = () => text;
  return w;
}

describe('lanet conformance agent against the reference agent', () => {
  it('the reference agent at a 4 s interval passes AG-1..AG-7 through outage, 503, 400, 401 and a slow answer', async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'lanet-agent-conf-'));
    let agent: ChildProcess | undefined;
    let late: NodeJS.Timeout | undefined;
    try {
      const run = await runAgentConformance({
        host: '127.0.0.1',
        port: 0,
        intervalS: 4,
        failOn: 'should',
        waitS: 60,
        timeoutS: 120,
        out: sink(),
        err: sink(),
        onListening: (url, secret) => {
          late = setTimeout(() => {
            agent = spawn(
              process.execPath,
              [
                LANET,
                'agent',
                '--server',
                url,
                '--enrollment-secret',
                secret,
                '--interval',
                '4',
                '--startup-delay',
                '0',
                '--config-dir',
                configDir,
                '--log-level',
                'silent',
              ],
              { stdio: 'ignore' },
            );
          }, 0);
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

  it("starts its clock at the agent's first request: an agent arriving after the run's timeout is still judged", async () => {
    const started = performance.now();
    let arrival: NodeJS.Timeout | undefined;
    // The "agent" registers 3 s after listen, then goes silent; the run lasts timeoutS = 2 s from that request. A clock
    // started at listen would have ended at 2 s with nobody there (exit 2); judged from the arrival it is a FAIL (exit 1).
    const run = await runAgentConformance({
      host: '127.0.0.1',
      port: 0,
      intervalS: 1,
      failOn: 'must',
      waitS: 30,
      timeoutS: 2,
      out: sink(),
      err: sink(),
      onListening: (url, secret) => {
        arrival = setTimeout(
          () =>
            void fetch(`${url}/api/agents/register`, {
              method: 'POST',
              headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
              body: JSON.stringify({ hardware_fingerprint: 'f'.repeat(32), hostname: 'late-agent' }),
            }).then((r) => r.text()),
          3_000,
        );
      },
    });
    clearTimeout(arrival);
    expect(run.exitCode).toBe(1);
    expect(run.results.find((r) => r.id === 'AG-1')).toMatchObject({ status: 'fail' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(4_900);
  }, 30_000);

  it('says "no agent connected in N s" and exits 2 (not FAIL) when no agent comes', async () => {
    const err = capture();
    const run = await runAgentConformance({ host: '127.0.0.1', port: 0, intervalS: 1, failOn: 'must', waitS: 1, out: sink(), err });
    expect(run.exitCode).toBe(2);
    expect(run.results).toEqual([]);
    expect(err.text()).toMatch(/no agent connected in 1 s/);
  });
});
