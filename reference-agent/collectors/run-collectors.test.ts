import { describe, expect, it } from 'vitest';
import { limits } from '@lanet/contracts';
import type { Collector } from './collector-types.js';
import { execText } from './exec-text.js';
import { clipError, runCollectors } from './run-collectors.js';

const memory = { total_gb: 16, available_gb: 8, used_gb: 8, usage_percent: 50 };
const ok: Collector = { name: 'memory', timeoutMs: 1000, collect: async () => ({ sections: { memory } }) };

describe('runCollectors (AG-5)', () => {
  it('AG-5: a collector that throws or passes its timeout is skipped and named; the rest is kept', async () => {
    let aborted = false;
    const hangs: Collector = {
      name: 'programs',
      timeoutMs: 50,
      collect: (signal) =>
        new Promise(() =>
          signal.addEventListener('abort', () => {
            aborted = true;
          }),
        ),
    };
    const throws: Collector = {
      name: 'disks',
      timeoutMs: 1000,
      collect: async () => {
        throw new Error('Get-PhysicalDisk: Access denied');
      },
    };
    const run = await runCollectors([ok, hangs, throws]);
    expect(run.sections).toEqual({ memory });
    expect(run.errors).toEqual([
      { collector: 'disks', error: 'Get-PhysicalDisk: Access denied', kind: 'failed' },
      { collector: 'programs', error: 'programs timed out after 50 ms and was skipped; it is retried next cycle', kind: 'timeout' },
    ]);
    expect(run.timings.map((t) => [t.collector, t.outcome])).toEqual([
      ['disks', 'failed'],
      ['memory', 'ok'],
      ['programs', 'timeout'],
    ]);
    expect(aborted).toBe(true); // the collector was told to stop its child process
  });

  it('AG-5: a hanging program is kind "timeout" at the collector\'s deadline (not "failed" after a fixed 10 s)', async () => {
    const hang = ['-e', 'setTimeout(() => {}, 60_000)'];
    const atDeadline: Collector = {
      name: 'programs',
      timeoutMs: 400,
      collect: async (signal) => ({ sections: { software: { agent_version: await execText(process.execPath, hang, signal) } } }),
    };
    const ownLimit: Collector = {
      name: 'disks',
      timeoutMs: 20_000,
      collect: async (signal) => ({ sections: { software: { agent_version: await execText(process.execPath, hang, signal, 300) } } }),
    };
    const fails: Collector = {
      name: 'system',
      timeoutMs: 20_000,
      collect: async (signal) => ({ sections: { software: { agent_version: await execText(process.execPath, ['-e', 'process.exit(3)'], signal) } } }),
    };
    const started = Date.now();
    const run = await runCollectors([atDeadline, ownLimit, fails]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(run.errors).toEqual([
      { collector: 'disks', error: expect.stringMatching(/did not finish within 300 ms and was stopped$/), kind: 'timeout' },
      { collector: 'programs', error: 'programs timed out after 400 ms and was skipped; it is retried next cycle', kind: 'timeout' },
      { collector: 'system', error: expect.stringContaining('failed'), kind: 'failed' },
    ]);
    expect(run.timings.find((t) => t.collector === 'programs')!.ms).toBeLessThan(2_000);
  });

  it('a section the contract refuses is left out and the collector named with the offending pointer', async () => {
    const bad: Collector = {
      name: 'metrics',
      timeoutMs: 1000,
      collect: async () => ({ sections: { status: { cpu_usage: 140, memory_usage: 1, disk_usage: 1, status: 'online' } } }),
    };
    const run = await runCollectors([bad, ok]);
    expect(run.sections.status).toBeUndefined();
    expect(run.errors[0]).toMatchObject({ collector: 'metrics', error: expect.stringContaining('/cpu_usage') });
  });

  it('notes name a sub-part that cannot run while its section is still sent; software sections merge', async () => {
    const a: Collector = { name: 'agent', timeoutMs: 1000, collect: async () => ({ sections: { software: { agent_version: '1.0.0' } } }) };
    const b: Collector = {
      name: 'programs',
      timeoutMs: 1000,
      collect: async () => ({
        sections: { software: { installed_programs: [{ name: 'Git', version: '2.47.1' }] } },
        notes: [{ collector: 'smart', error: 'smartctl is not installed' }],
      }),
    };
    const run = await runCollectors([a, b]);
    expect(run.sections.software).toEqual({ agent_version: '1.0.0', installed_programs: [{ name: 'Git', version: '2.47.1' }] });
    expect(run.errors).toEqual([{ collector: 'smart', error: 'smartctl is not installed', kind: 'unsupported' }]);
  });

  it('clips long error texts to the contract limit', () => {
    expect(clipError('x'.repeat(5000))).toHaveLength(limits.collectionErrorMax);
    expect(clipError('  multi\n line  ')).toBe('multi line');
  });
});
