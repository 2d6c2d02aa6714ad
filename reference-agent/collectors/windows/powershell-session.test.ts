import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCollectors } from '../run-collectors.js';
import { StreamDecoder } from './powershell-decoding.js';
import { PowerShellSession } from './powershell-session.js';
import { windowsCollectors } from './windows-collectors.js';

// The session runs against a player of recorded PowerShell output that speaks the same stdin protocol
// (fixtures/recorded-powershell.mjs); the session's framing, queueing, decoding and restarts are what is tested.
const player = fileURLToPath(new URL('./fixtures/recorded-powershell.mjs', import.meta.url));
const fixtures = (machine: string) => fileURLToPath(new URL(`./fixtures/${machine}`, import.meta.url));
const sessions: PowerShellSession[] = [];
function session(machine: string, encoding: 'utf8' | 'utf16' = 'utf8'): PowerShellSession {
  const s = new PowerShellSession({ command: process.execPath, args: [player, fixtures(machine), encoding] });
  sessions.push(s);
  return s;
}
afterEach(() => sessions.splice(0).forEach((s) => s.close()));

describe('PowerShellSession', () => {
  it('runs every Windows collector through ONE PowerShell process and yields a contract-valid inventory', async () => {
    const ps = session('win11-domain-nvme');
    const run = await runCollectors(windowsCollectors(() => ps));
    expect(run.errors).toEqual([]);
    expect(run.sections.system?.domain).toBe('corp.example.com');
    expect(run.sections.disks?.[0]?.interface_type).toBe('NVMe');
    expect(run.sections.bitlocker?.protected_volumes).toBe(1);
    expect(run.sections.software?.installed_programs?.length).toBeGreaterThan(300);
    await runCollectors(windowsCollectors(() => ps)); // a second cycle reuses the same process
    expect(ps.spawnCount).toBe(1);
  });

  it('decodes a UTF-16LE PowerShell stream (BOM first) including its sentinels', async () => {
    const ps = session('server2022-domain-raid', 'utf16');
    const text = await ps.run('# lanet-query: system\n', 5_000);
    expect(JSON.parse(text)).toMatchObject({ Name: 'FS01' });
    const programs = await ps.run('# lanet-query: programs\n', 5_000);
    expect(programs).toContain('日本語入力システム');
  });

  it("AG-5: a failing query rejects with PowerShell's message and the session keeps serving", async () => {
    const ps = session('win10-home-workgroup-sata');
    await expect(ps.run('# lanet-query: fail\n', 5_000)).rejects.toThrow(/Access denied/);
    await expect(ps.run('# lanet-query: system\n', 5_000)).resolves.toContain('DESKTOP-7QK2M1B');
    expect(ps.spawnCount).toBe(1);
  });

  it('AG-5: a query past its timeout kills the process; the next query starts a fresh one', async () => {
    const ps = session('win10-home-workgroup-sata');
    await expect(ps.run('# lanet-query: hang\n', 300)).rejects.toThrow(/timed out after 300 ms/);
    await expect(ps.run('# lanet-query: disks\n', 5_000)).resolves.toContain('Samsung');
    expect(ps.spawnCount).toBe(2);
  });

  it('AG-5: a hanging query makes its collector kind "timeout" at the query deadline, not "failed"', async () => {
    const ps = session('win10-home-workgroup-sata');
    const started = Date.now();
    const run = await runCollectors([
      { name: 'bitlocker', timeoutMs: 10_000, collect: async () => ({ sections: { bitlocker: JSON.parse(await ps.run('# lanet-query: hang\n', 300)) } }) },
    ]);
    expect(run.errors).toEqual([{ collector: 'bitlocker', error: 'PowerShell query timed out after 300 ms; the session was restarted', kind: 'timeout' }]);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('a PowerShell that dies mid-query, or cannot start, fails the query with the reason', async () => {
    const ps = session('win10-home-workgroup-sata');
    await expect(ps.run('# lanet-query: exit\n', 5_000)).rejects.toThrow(/exited \(code 3\)/);
    const missing = new PowerShellSession({ command: 'powershell-not-installed.exe', args: [] });
    await expect(missing.run('# lanet-query: system\n', 5_000)).rejects.toThrow(/could not start/);
  });

  it('StreamDecoder keeps characters split across chunks and BOMs split across chunks', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Süß 日本', 'utf16le')]);
    const decoder = new StreamDecoder();
    const text = [...bytes].map((b) => decoder.write(Buffer.from([b]))).join('');
    expect(text).toBe('Süß 日本');
  });
});
