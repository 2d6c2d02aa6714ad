import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLanetHandlers } from '@lanet/contracts/msw';
import type { HeartbeatRequest } from '@lanet/contracts';
import { runCollectors, type CollectionRun } from '../collectors/run-collectors.js';
import { PowerShellSession } from '../collectors/windows/powershell-session.js';
import { windowsCollectors } from '../collectors/windows/windows-collectors.js';
import { HeartbeatScheduler } from '../scheduler/heartbeat-scheduler.js';
import { AgentRunner } from './agent-runner.js';
import { IdentityStore } from './identity-store.js';

const BASE = 'http://lanet.test';
const SECRET = 'enrollment-secret-for-tests';
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const S = 1000;
// `now` reads Date at call time, so fake timers move the recorded atMs too.
const lanet = createLanetHandlers({ baseUrl: BASE, enrollmentSecret: SECRET, intervalS: 300, now: () => Date.now() });
const mock = setupServer(...lanet.handlers);

// A real collection of the Windows 11 fixtures (BitLocker with a recovery key), taken once with real timers.
let collection: CollectionRun;
let dir: string;
let logs: Array<Record<string, unknown>>;
let controller: AbortController;

beforeAll(async () => {
  const player = fileURLToPath(new URL('../collectors/windows/fixtures/recorded-powershell.mjs', import.meta.url));
  const fixtures = fileURLToPath(new URL('../collectors/windows/fixtures/win11-domain-nvme', import.meta.url));
  const session = new PowerShellSession({ command: process.execPath, args: [player, fixtures] });
  collection = await runCollectors(windowsCollectors(() => session));
  session.close();
  mock.listen({ onUnhandledRequest: 'error' });
});
afterAll(() => mock.close());
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: T0 });
  dir = mkdtempSync(join(tmpdir(), 'lanet-agent-test-'));
  logs = [];
  lanet.reset();
  controller = new AbortController();
});
afterEach(() => {
  controller.abort();
  mock.resetHandlers();
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the agent with no start-up spread so slot 0 is T0 and slot n is T0 + n x 300 s. */
function startAgent(random: () => number = () => 0.5): void {
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  const runner = new AgentRunner({
    server: BASE,
    enrollmentSecret: SECRET,
    store: new IdentityStore(join(dir, 'config')),
    scheduler: new HeartbeatScheduler({ startupDelayMaxS: 0 }, random),
    collect: async () => collection,
    fingerprint: async () => 'sha256:0123456789abcdef0123456789abcdef',
    logger,
  });
  void runner.run(controller.signal);
}

const heartbeats = () => lanet.requests.filter((r) => r.path === '/api/agents/heartbeat');
const registrations = () => lanet.requests.filter((r) => r.path === '/api/agents/register');
const offsetsS = () => heartbeats().map((r) => (r.atMs - T0) / S);

describe('AgentRunner against the contract MSW handlers, on fake timers', () => {
  it('AG-1: registers, sends at start-up, then fixed-rate on start + n x 300 s; every body passes the contract; identity is 0600', async () => {
    startAgent();
    await vi.advanceTimersByTimeAsync(4 * 300 * S + 1);
    expect(registrations()).toHaveLength(1);
    expect(offsetsS()).toEqual([0, 300, 600, 900, 1200]);
    expect(heartbeats().every((r) => r.valid)).toBe(true);
    expect(heartbeats()[0]!.headers['content-encoding']).toBe('gzip');
    expect(statSync(join(dir, 'config', 'identity.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'config')).mode & 0o777).toBe(0o700);
    const cycle = logs.find((l) => l.msg === 'send accepted')!;
    expect(cycle).toMatchObject({
      bytes_raw: expect.any(Number),
      bytes_gzip: expect.any(Number),
      answer: expect.stringContaining('200 ok'),
      next_send_at: new Date(T0 + 300 * S).toISOString(),
    });
    expect(Object.keys(cycle.collectors_ms as object)).toContain('programs');
  });

  it('PERF-3: collects its garbage once per send and once per registration when node exposes gc (--expose-gc)', async () => {
    const gc = vi.fn();
    vi.stubGlobal('gc', gc);
    try {
      startAgent();
      await vi.advanceTimersByTimeAsync(2 * 300 * S + 1);
      expect(registrations()).toHaveLength(1);
      expect(heartbeats()).toHaveLength(3);
      expect(gc).toHaveBeenCalledTimes(registrations().length + heartbeats().length);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('AG-2 and HB-7: a network failure and a timeout are retried after 60 s ± 15 s with the same Idempotency-Key, then the grid resumes', async () => {
    lanet.fail({ networkError: true, times: 1 });
    lanet.fail({ delayMs: 20_000, times: 1 });
    startAgent(() => 0.5); // jitter draw 0.5: exactly 60 s
    await vi.advanceTimersByTimeAsync(300 * S + 1);
    // t=0 network error (never recorded); t=60 the mock stalls 20 s, the agent gives up at t=75 (the mock records it
    // at t=80); t=135 the retry succeeds; t=300 the next grid slot.
    expect(offsetsS()).toEqual([80, 135, 300]);
    const keys = heartbeats().map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^2026-01-05T09:00:00.000Z\//);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(logs.filter((l) => l.msg === 'send timeout')).toHaveLength(1);
    expect(logs.filter((l) => l.msg === 'send network-error')).toHaveLength(1);
  });

  it('AG-3: a 503 with Retry-After 120 waits at least 120 s (full jitter below it), then the grid resumes', async () => {
    lanet.fail({ status: 503, retryAfterS: 120, times: 1 });
    startAgent(() => 0.5);
    await vi.advanceTimersByTimeAsync(300 * S + 1);
    expect(offsetsS()).toEqual([0, 120, 300]);
  });

  it('AG-4: a 400 is not retried; the next send is the next slot', async () => {
    lanet.fail({ status: 400, times: 1 });
    startAgent();
    await vi.advanceTimersByTimeAsync(299 * S);
    expect(offsetsS()).toEqual([0]);
    await vi.advanceTimersByTimeAsync(2 * S);
    expect(offsetsS()).toEqual([0, 300]);
    expect(logs.some((l) => l.msg === 'heartbeat rejected; not retried, the schedule goes on (AG-4)')).toBe(true);
  });

  it('AG-6: a 401 registers again with the enrollment secret and resends at once', async () => {
    startAgent();
    await vi.advanceTimersByTimeAsync(1);
    lanet.fail({ status: 401, times: 1 });
    await vi.advanceTimersByTimeAsync(300 * S);
    expect(registrations()).toHaveLength(2);
    expect(registrations()[1]!.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(offsetsS()).toEqual([0, 300, 300]);
  });

  it('ESC-3: the recovery key goes once, not in every heartbeat, and again when the server asks', async () => {
    startAgent();
    await vi.advanceTimersByTimeAsync(300 * S + 1);
    const keyOf = (i: number) => (heartbeats()[i]!.body as HeartbeatRequest).hardware_inventory?.bitlocker?.volumes[0]?.recovery_key;
    expect(keyOf(0)).toBe('123456-234567-345678-456789-567890-678901-789012-890123');
    expect(keyOf(1)).toBeUndefined();
    mock.use(
      http.post(
        `${BASE}/api/agents/heartbeat`,
        () => HttpResponse.json({ status: 'ok', received_at: new Date().toISOString(), next_heartbeat_in_s: 300, escrow_required: true }),
        { once: true },
      ),
    );
    await vi.advanceTimersByTimeAsync(600 * S);
    expect(keyOf(2)).toBe('123456-234567-345678-456789-567890-678901-789012-890123');
    expect(heartbeats()).toHaveLength(3); // the escrow_required answer was served by the one-off handler
  });
});
