import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminGet, enroll, heartbeatFor, postHeartbeat } from './http-client.js';
import { TEST_ADMIN_TOKEN, startTestServer, type TestServer } from './test-server.js';

const OUTPUT_DIR = fileURLToPath(new URL('../../test-output/reference-server/', import.meta.url));

describe('fleet dashboard in headless Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  afterAll(async () => { await browser?.close(); await server?.stop(); });

  it('shows counts, statuses, last seen, partial and skew, opens one agent\'s inventory, refreshes itself, and saves a screenshot', async () => {
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
    await server.store.writeHeartbeats([{
      assetId: offline.asset_id, timestampRaw: old.timestamp, idempotencyKey: null, receivedAtMs: Date.now() - 7200_000, partial: false,
      clockSkewS: 0, payloadJson: JSON.stringify(old), hostname: 'offline-host', escrow: [], protectedDrives: [],
    }]);
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
    expect(await row(online.asset_id).textContent()).toMatch(/online-host.*online.*s ago.*partial.*-3600.*clock off/);
    expect(await row(offline.asset_id).textContent()).toMatch(/offline-host.*offline.*2 h ago/);
    expect(await row(never.asset_id).textContent()).toMatch(/never-host.*never seen.*never/);
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: `${OUTPUT_DIR}dashboard-fleet.png`, fullPage: true });

    // It refreshes itself: the never-seen agent comes online without a reload.
    expect((await postHeartbeat(base, never.agent_token, heartbeatFor(never.asset_id))).status).toBe(200);
    await page.waitForFunction((id) => document.querySelector(`#agents tr[data-asset-id="${id}"]`)?.getAttribute('data-status') === 'online', never.asset_id, { timeout: 10_000 });
    expect(await page.textContent('#count-never_seen')).toBe('0');

    await row(online.asset_id).click();
    await page.waitForSelector('#detail h2');
    const detail = await page.textContent('#detail');
    expect(detail).toContain('online-host');
    expect(detail).toContain('Windows-10-10.0.26100');
    expect(detail).toContain('WD_BLACK SN850X 1000GB');
    expect(detail).toContain('Microsoft Office Professional Plus 2021');
    expect(detail).toContain('Collector failed: smart');
    expect(await page.content()).not.toContain('DASHBOARD-SECRET-KEY');
    await page.screenshot({ path: `${OUTPUT_DIR}dashboard-agent.png`, fullPage: true });
    await page.close();
  }, 30_000);
});
