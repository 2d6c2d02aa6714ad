import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAgentConfig } from './agent-config.js';
import { IdentityStore } from './identity-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lanet-agent-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('agent configuration: file, environment, flags', () => {
  it('flags win over the environment, which wins over agent.json', () => {
    writeFileSync(join(dir, 'agent.json'), JSON.stringify({ server: 'http://file.test/', enrollment_secret: 'from-file', interval_s: 30, log_level: 'warn' }));
    const fromFile = loadAgentConfig({ configDir: dir }, {});
    expect(fromFile).toMatchObject({ server: 'http://file.test', enrollmentSecret: 'from-file', intervalS: 30, logLevel: 'warn' });
    const fromEnv = loadAgentConfig({ configDir: dir }, { LANET_SERVER: 'http://env.test', LANET_AGENT_INTERVAL_S: '5' });
    expect(fromEnv).toMatchObject({ server: 'http://env.test', enrollmentSecret: 'from-file', intervalS: 5 });
    const fromFlags = loadAgentConfig({ configDir: dir, server: 'http://flag.test' }, { LANET_SERVER: 'http://env.test' });
    expect(fromFlags.server).toBe('http://flag.test');
  });

  it('bad settings say which and where', () => {
    writeFileSync(join(dir, 'agent.json'), JSON.stringify({ sever: 'x' }));
    expect(() => loadAgentConfig({ configDir: dir }, {})).toThrow(/unknown setting "sever"/);
    expect(() => loadAgentConfig({ configDir: join(dir, 'none'), server: 'not a url' }, {})).toThrow(/Invalid agent setting server/);
    expect(() => loadAgentConfig({ configDir: dir, configFile: join(dir, 'missing.json') }, {})).toThrow(/Cannot read the agent config file/);
  });
});

describe('IdentityStore', () => {
  const state = { server: 'http://lanet.test', asset_id: '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d', agent_token: 'x'.repeat(40) };

  it('persists the identity readable by the owner alone, and reads it back', () => {
    const store = new IdentityStore(join(dir, 'cfg'));
    expect(store.load()).toBeUndefined();
    store.save(state);
    expect(store.load()).toEqual(state);
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    expect(statSync(store.dir).mode & 0o777).toBe(0o700);
  });

  it('a damaged identity file is an error that says how to recover', () => {
    const store = new IdentityStore(dir);
    writeFileSync(store.file, '{"asset_id": 1}');
    expect(() => store.load()).toThrow(/Delete it to register again/);
    writeFileSync(store.file, 'garbage');
    expect(() => store.load()).toThrow(/not JSON/);
  });
});
