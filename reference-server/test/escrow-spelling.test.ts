import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { propertySeed } from '@lanet/contracts/arbitraries/property-seed';
import { adminGet, call, enroll, heartbeatFor } from './http-client.js';
import { databaseText, queryDatabase } from './database-text.js';
import { STORE_KINDS, startTestServer, type TestServer } from './test-server.js';

/** A fresh recovery-key-shaped value (48 digits in 8 groups), unique per call so a leak is attributable. */
let keyCounter = 0;
function freshKey(): string {
  const n = String(Date.now() % 1e9).padStart(9, '0') + String(keyCounter++).padStart(6, '0');
  const digits = (n + n + n + n).slice(0, 48);
  return digits.match(/.{6}/g)!.join('-');
}

/** Spellings of the member name `recovery_key` that all decode to the same name (ESC-1). */
const SPELLINGS = [
  'recovery\\u005fkey',
  'recovery\\u005Fkey',
  '\\u0072ecovery_key',
  'recovery_ke\\u0079',
  [...'recovery_key'].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
];

/** Posts a raw JSON text as a heartbeat (the spelling must reach the server byte for byte). */
function postText(base: string, token: string, text: string) {
  return call(`${base}/api/agents/heartbeat`, { method: 'POST', token, body: text, headers: { 'content-type': 'application/json' } });
}

/** A heartbeat text with the protected C: volume's key spelled `name` and `extra` members appended at the top level. */
function heartbeatText(assetId: string, key: string, name: string, extra = ''): string {
  const hb = heartbeatFor(assetId) as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  hb.hardware_inventory.bitlocker.volumes = [{ drive_letter: 'C:', protection_status: 'Protected', encryption_method: 'XtsAes128', recovery_key: '@KEY@' }];
  return JSON.stringify(hb)
    .replace('"recovery_key":"@KEY@"', `"${name}":${JSON.stringify(key)}`)
    .replace(/}$/, `${extra}}`);
}

/** Everything an admin can read about one agent over HTTP (FLT endpoints) plus the database's text. */
async function everythingReadable(server: TestServer, assetId: string): Promise<string> {
  const parts = await Promise.all([
    adminGet(server.url, '/api/agents'),
    adminGet(server.url, `/api/agents/${assetId}`),
    adminGet(server.url, `/api/agents/${assetId}/heartbeats?limit=100`),
  ]);
  return parts.map((p) => p.text).join('\n') + '\n' + (await databaseText(server.database));
}

/** True when any string in a parsed JSON value equals one of `values` or any member is named recovery_key. */
function holdsKey(value: unknown, values: Set<string>): boolean {
  if (typeof value === 'string') return values.has(value);
  if (value === null || typeof value !== 'object') return false;
  if (!Array.isArray(value) && Object.hasOwn(value, 'recovery_key')) return true;
  return Object.values(value).some((v) => holdsKey(v, values));
}

/** The stored payloads of one agent, parsed (so an escaped spelling of a key value is found too). */
async function storedPayloads(server: TestServer, assetId: string): Promise<unknown[]> {
  const rows = await queryDatabase(server.database, 'SELECT payload FROM heartbeats WHERE asset_id = ?', [assetId]);
  return rows.map((r) => JSON.parse(String(r.payload)));
}

describe.each(STORE_KINDS)('ESC-1: no recovery key stored or returned in plain text, however spelled (%s store)', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('D1 reproduction: duplicate members next to an escaped key name get 400 and nothing is stored', async () => {
    const agent = await enroll(server.url);
    const key = freshKey();
    const text = heartbeatText(agent.asset_id, key, 'recovery\\u005fkey', ',"vendor_ext":{"recovery_key":null,"recovery_key":null}');
    const r = await postText(server.url, agent.agent_token, text);
    expect(r.status, r.text).toBe(400);
    expect(r.body.type).toMatch(/duplicate-member/);
    expect(r.body.errors[0].path).toBe('/vendor_ext/recovery_key');
    expect(r.text).not.toContain(key);
    expect(await everythingReadable(server, agent.asset_id)).not.toContain(key);
  });

  it.each(SPELLINGS)('an escaped name (%s) is escrowed and cut from the stored payload', async (name) => {
    const agent = await enroll(server.url);
    const key = freshKey();
    const r = await postText(server.url, agent.agent_token, heartbeatText(agent.asset_id, key, name));
    expect(r.status, r.text).toBe(200);
    const readable = await everythingReadable(server, agent.asset_id);
    expect(readable).not.toContain(key);
    expect(readable).not.toContain(name);
    for (const p of await storedPayloads(server, agent.asset_id)) expect(holdsKey(p, new Set([key]))).toBe(false);
    const keys = await adminGet(server.url, `/api/agents/${agent.asset_id}/recovery-keys`);
    expect(keys.text).toContain(key); // escrowed (ESC-1), readable only here
  });

  it('escaped names at depths 1 to 6, in objects and arrays, never reach the stored payload or a fleet answer', async () => {
    const agent = await enroll(server.url);
    const keys = [0, 1, 2, 3, 4, 5].map(() => freshKey());
    const nest = (depth: number, inner: string): string =>
      depth === 0 ? inner : depth % 2 ? `{"n":${nest(depth - 1, inner)}}` : `[1,${nest(depth - 1, inner)}]`;
    const extra = keys.map((k, i) => `,"ext${i}":${nest(i, `{"a":1,"${SPELLINGS[i % SPELLINGS.length]}":${JSON.stringify(k)},"b":2}`)}`).join('');
    const r = await postText(server.url, agent.agent_token, heartbeatText(agent.asset_id, freshKey(), 'recovery_key', extra));
    expect(r.status, r.text).toBe(200);
    const readable = await everythingReadable(server, agent.asset_id);
    for (const k of keys) expect(readable).not.toContain(k);
    const [stored] = await storedPayloads(server, agent.asset_id);
    expect((stored as Record<string, unknown>).ext5).toEqual({ n: [1, { n: [1, { n: { a: 1, b: 2 } }] }] });
  });

  it('duplicate member names at any depth get 400 with the pointer of the second one; nothing is stored', async () => {
    const agent = await enroll(server.url);
    const cases: Array<[string, string]> = [
      [',"x":1,"x":2', '/x'],
      [',"v":{"recovery_key":"@","recovery\\u005fkey":null}', '/v/recovery_key'],
      [',"v":[0,{"a":{"b":1,"\\u0062":"@"}}]', '/v/1/a/b'],
      [',"v":[[[{"k/~":1,"k/~":"@"}]]]', '/v/0/0/0/k~1~0'],
    ];
    for (const [extra, pointer] of cases) {
      const key = freshKey();
      const r = await postText(server.url, agent.agent_token, heartbeatText(agent.asset_id, freshKey(), 'recovery_key', extra.replaceAll('@', key)));
      expect(r.status, extra).toBe(400);
      expect(r.body.errors[0].path, extra).toBe(pointer);
      expect(await everythingReadable(server, agent.asset_id)).not.toContain(key);
    }
    // The volume's own key spelled twice, once escaped: refused as a whole, neither value stored.
    const [k1, k2] = [freshKey(), freshKey()];
    const text = heartbeatText(agent.asset_id, k1, 'recovery_key').replace(`"recovery_key":"${k1}"`, `"recovery_key":"${k1}","recovery\\u005fkey":"${k2}"`);
    expect((await postText(server.url, agent.agent_token, text)).status).toBe(400);
    const readable = await everythingReadable(server, agent.asset_id);
    expect(readable).not.toContain(k1);
    expect(readable).not.toContain(k2);
    expect((await adminGet(server.url, '/api/agents/' + agent.asset_id)).body.latest_heartbeat).toBeNull();
  });

  it('property: no key value reaches the stored payload or a fleet answer in any spelling, depth or duplication', async () => {
    const seed = propertySeed();
    console.log('ESC-1 spelling property seed', seed, '(set LANET_SEED to replay)');
    const agent = await enroll(server.url);
    const spelled = fc.constantFrom('recovery_key', ...SPELLINGS);
    // One inserted member: its spelling, the path of plain objects/arrays above it, and whether it is sent twice.
    const member = fc.record({
      name: spelled,
      path: fc.array(fc.constantFrom('obj', 'arr'), { maxLength: 5 }),
      twice: fc.boolean(),
      second: spelled,
      nullFirst: fc.boolean(),
    });
    const sent = new Set<string>();
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(member, { minLength: 1, maxLength: 4 }), spelled, async (members, volumeName) => {
        const values: string[] = [];
        const extra = members
          .map((m, i) => {
            const v = freshKey();
            values.push(v);
            let inner = `{"p":0,"${m.name}":${m.nullFirst && m.twice ? 'null' : JSON.stringify(v)}${m.twice ? `,"${m.second}":${JSON.stringify(v)}` : ''},"q":[]}`;
            for (const step of m.path) inner = step === 'obj' ? `{"o":${inner}}` : `[null,${inner}]`;
            return `,"x${i}":${inner}`;
          })
          .join('');
        const volumeKey = freshKey();
        values.push(volumeKey);
        for (const v of values) sent.add(v);
        const r = await postText(server.url, agent.agent_token, heartbeatText(agent.asset_id, volumeKey, volumeName, extra));
        expect(r.status, r.text).toBe(members.some((m) => m.twice) ? 400 : 200);
        if (r.status === 200) accepted++;
        for (const p of await storedPayloads(server, agent.asset_id)) expect(holdsKey(p, sent)).toBe(false);
      }),
      { seed, numRuns: 40 },
    );
    const readable = await everythingReadable(server, agent.asset_id);
    for (const v of sent) expect(readable).not.toContain(v);
    expect(accepted).toBeGreaterThan(3); // the accepting path really ran
  }, 120_000);
});
