import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFleet, seedHostname } from './seed-fleet.js';
import { adminGet, enroll, heartbeatFor, postHeartbeat } from './http-client.js';
import { TEST_ADMIN_TOKEN, startTestServer, type TestServer } from './test-server.js';

const OUTPUT_DIR = fileURLToPath(new URL('../../test-output/reference-server/', import.meta.url));

describe('fleet dashboard in headless Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows counts, statuses, last seen, partial and skew, opens one agent's inventory, refreshes itself, and saves a screenshot", async () => {
    const base = server.url;
    const online = await enroll(base, undefined, 'online-host');
    const offline = await enroll(base, undefined, 'offline-host');
    const never = await enroll(base, undefined, 'never-host');
    const skewed = heartbeatFor(online.asset_id, new Date(Date.now() - 3600_000).toISOString());
    skewed.hardware_inventory!.system!.hostname = 'online-host';
    skewed.collection_errors = [{ collector: 'smart', error: 'Get-PhysicalDisk timed out' }];
    skewed.hardware_inventory!.bitlocker!.volumes[0]!.recovery_key = 'DASHBOARD-SECRET-KEY';
    expect((await postHeartbeat(base, online.agent_token, skewed)).status).toBe(200);
    // An agent last heard two hours ago: written through the store with that receive time, as if the server had been running.
    const old = heartbeatFor(offline.asset_id);
    old.hardware_inventory!.system!.hostname = 'offline-host';
    await server.store.writeHeartbeats([
      {
        assetId: offline.asset_id,
        timestampRaw: old.timestamp,
        idempotencyKey: null,
        receivedAtMs: Date.now() - 7200_000,
        partial: false,
        clockSkewS: 0,
        payloadJson: JSON.stringify(old),
        hostname: 'offline-host',
        escrow: [],
        protectedDrives: [],
      },
    ]);
    expect((await adminGet(base, `/api/agents/${offline.asset_id}`)).body.status).toBe('offline');

    const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    await page.goto(`${base}/?refresh_ms=1000`);
    await page.fill('#token', TEST_ADMIN_TOKEN);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#agents tr');
    expect(await page.textContent('#count-online')).toBe('1');
    expect(await page.textContent('#count-offline')).toBe('1');
    expect(await page.textContent('#count-never_seen')).toBe('1');
    const row = (id: string) => page.locator(`#agents tr[data-asset-id="${id}"]`);
    expect(await row(online.asset_id).getAttribute('data-status')).toBe('online');
    expect(await row(online.asset_id).textContent()).toMatch(/online-host.*online.*s ago.*partial.*1 h behind \(clock off\)/);
    expect(await row(offline.asset_id).textContent()).toMatch(/offline-host.*offline.*2 h ago/);
    expect(await row(never.asset_id).textContent()).toMatch(/never-host.*never seen.*never/);
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: `${OUTPUT_DIR}dashboard-fleet.png`, fullPage: true });

    // It refreshes itself: the never-seen agent comes online without a reload.
    expect((await postHeartbeat(base, never.agent_token, heartbeatFor(never.asset_id))).status).toBe(200);
    await page.waitForFunction((id) => document.querySelector(`#agents tr[data-asset-id="${id}"]`)?.getAttribute('data-status') === 'online', never.asset_id, {
      timeout: 10_000,
    });
    expect(await page.textContent('#count-never_seen')).toBe('0');

    await row(online.asset_id).click();
    await page.waitForSelector('#detail h2');
    const detail = await page.textContent('#detail');
    expect(detail).toContain('online-host');
    expect(detail).toContain('Windows-10-10.0.26100');
    expect(detail).toContain('WD_BLACK SN850X 1000GB');
    expect(detail).toContain('Microsoft Office Professional Plus 2021');
    expect(detail).toContain('Collector failed: smart');
    // Its history: the partial heartbeat, with its collection error, in the list and on the timeline.
    expect(await page.locator('#history-rows tr[data-partial="true"]').count()).toBe(1);
    expect(await page.textContent('#history-rows')).toContain('smart: Get-PhysicalDisk timed out');
    expect(await page.locator('#history svg.timeline rect').count()).toBe(1);
    expect(await page.content()).not.toContain('DASHBOARD-SECRET-KEY');
    await page.screenshot({ path: `${OUTPUT_DIR}dashboard-agent.png`, fullPage: true });
    await page.close();
  }, 30_000);
});

describe('fleet dashboard at 100,000 agents in headless Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let database: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanet-dash-100k-'));
    database = join(dir, 'lanet.db');
    await seedFleet(database, 100_000);
    server = await startTestServer('sqlite', { database });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dirname(database), { recursive: true, force: true });
  });

  it("pages, searches, filters and sorts 100,000 agents, shows one agent's history and skew in human units, and stays responsive", async () => {
    const base = server.url;
    // One real agent with a history: complete and partial heartbeats, one with a collection error, a clock 11 h 38 min behind.
    const agent = await enroll(base, undefined, 'ws-history-probe');
    for (let i = 0; i < 6; i++) {
      const hb = heartbeatFor(agent.asset_id, new Date(Date.now() - 41_880_000 + i).toISOString());
      hb.hardware_inventory!.system!.hostname = 'ws-history-probe';
      hb.status!.cpu_usage = 10 + i * 12;
      if (i % 2 === 1) {
        delete hb.software_inventory;
        hb.collection_errors = [{ collector: 'programs', error: `registry read failed #${i}` }];
      }
      expect((await postHeartbeat(base, agent.agent_token, hb)).status).toBe(200);
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.addInitScript((token) => sessionStorage.setItem('lanet-admin-token', token), TEST_ADMIN_TOKEN);
    const started = performance.now();
    await page.goto(`${base}/?refresh_ms=60000`);
    await page.waitForSelector('#agents tr');
    const interactiveMs = performance.now() - started;
    expect(await page.locator('#agents tr').count()).toBe(100);
    expect(await page.textContent('#count-total')).toBe('100,001');
    expect(await page.textContent('#page-label')).toBe('agents 1–100 of 100,001');
    // Human skew units, never raw seconds.
    const skews = await page.locator('#agents tr td:nth-child(5)').allTextContents();
    expect(skews.some((t) => /^484 d 16 h behind \(clock off\)$/.test(t))).toBe(true);
    expect(skews.every((t) => !/\d{5,}/.test(t))).toBe(true);

    const timed = async (action: () => Promise<unknown>, done: () => Promise<unknown>) => {
      const t = performance.now();
      await action();
      await done();
      return performance.now() - t;
    };
    const firstHost = async () => page.locator('#agents tr td:first-child').first().textContent();
    const nextMs = await timed(
      () => page.click('#next'),
      () => page.waitForFunction(() => document.querySelector('#page-label')?.textContent === 'agents 101–200 of 100,001'),
    );
    const expected = Array.from({ length: 100_000 }, (_, i) => seedHostname(i)).filter((h) => h.includes('OPS-0999')).length;
    const searchMs = await timed(
      () => page.fill('#search', 'ops-0999'),
      () => page.waitForFunction((n) => document.querySelectorAll('#agents tr').length === n, expected),
    );
    expect(await page.textContent('#matched')).toBe(`${expected} matching`);
    await page.fill('#search', '');
    const filterMs = await timed(
      () => page.selectOption('#status', 'offline'),
      () =>
        page.waitForFunction(
          () =>
            [...document.querySelectorAll('#agents tr')].every((r) => r.getAttribute('data-status') === 'offline') &&
            document.querySelectorAll('#agents tr').length === 100,
        ),
    );
    const sortMs = await timed(
      () => page.selectOption('#sort', '-hostname'),
      () => page.waitForFunction(() => document.querySelector('#agents tr td')?.textContent?.startsWith('WS-SALES-')),
    );
    expect(await firstHost()).toMatch(/^WS-SALES-\d{6}$/);
    await page.selectOption('#status', '');
    await page.selectOption('#sort', 'hostname');
    await page.fill('#search', 'history-probe');
    await page.waitForFunction(() => document.querySelectorAll('#agents tr').length === 1);
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.fill('#search', '');
    await page.waitForFunction(() => document.querySelectorAll('#agents tr').length === 100);
    await page.screenshot({ path: `${OUTPUT_DIR}dashboard-100k-fleet.png` });
    await page.fill('#search', 'history-probe');
    await page.waitForFunction(() => document.querySelectorAll('#agents tr').length === 1);
    await page.click('#agents tr');
    await page.waitForSelector('#history-rows tr');
    expect(await page.locator('#history-rows tr').count()).toBe(6);
    expect(await page.locator('#history-rows tr[data-partial="true"]').count()).toBe(3);
    const history = await page.textContent('#history-rows');
    expect(history).toContain('programs: registry read failed #3');
    expect(history).toContain('11 h 38 min behind');
    expect(await page.textContent('#detail')).toMatch(/Clock11 h 38 min behind/);
    await page.screenshot({ path: `${OUTPUT_DIR}dashboard-100k-agent.png`, fullPage: true });
    process.stdout.write(
      `dashboard at 100,001 agents: time to interactive ${interactiveMs.toFixed(0)} ms; next page ${nextMs.toFixed(0)} ms, search ${searchMs.toFixed(0)} ms (after a 250 ms debounce), status filter ${filterMs.toFixed(0)} ms, sort ${sortMs.toFixed(0)} ms\n`,
    );
    // Loose bounds: this shared 2-core machine runs at load average 20-45 (5.2 s seen there). Rendering the whole fleet,
    // as the dashboard did before paging, takes far longer than either.
    expect(interactiveMs).toBeLessThan(10_000);
    for (const ms of [nextMs, searchMs, filterMs, sortMs]) expect(ms).toBeLessThan(5000);
    await page.close();
  }, 120_000);
});
