import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { configDirAcl, winswDefinition } from './winsw-definition.js';
import { planServiceInstall, runInstall, type InstallOptions } from './service-command.js';

const options: InstallOptions = {
  server: 'https://lanet.example.com',
  enrollmentSecret: 'enrol-s3cret & <friends>',
  account: 'LocalSystem',
  configDir: 'C:\\ProgramData\\LANET\\agent',
  nodePath: 'C:\\Program Files\\nodejs\\node.exe',
  lanetBin: 'C:\\Program Files\\LANET\\kit\\bin\\lanet.js',
  serviceId: 'lanet-agent',
};

function parse(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['argument', 'onfailure', 'env'].includes(name) }).parse(xml)
    .service;
}

describe('the generated WinSW service definition', () => {
  it('is well-formed XML that runs `node lanet.js agent` at boot, restarts on failure, as LocalSystem for BitLocker', () => {
    const s = parse(winswDefinition(options));
    expect(s.id).toBe('lanet-agent');
    expect(s.executable).toBe(options.nodePath);
    expect(s.argument).toEqual([options.lanetBin, 'agent', '--config-dir', options.configDir]);
    // The single-file agent takes the agent's options directly, under the lean node flags (PERF-3).
    const bundled = parse(winswDefinition({ ...options, lanetBin: 'C:\\Program Files\\LANET\\lanet-agent.mjs', bundled: true }));
    expect(bundled.argument).toEqual([
      '--max-semi-space-size=1',
      '--lite-mode',
      '--no-expose-wasm',
      '--expose-gc',
      'C:\\Program Files\\LANET\\lanet-agent.mjs',
      '--config-dir',
      options.configDir,
    ]);
    expect(s.startmode).toBe('Automatic');
    expect(s.delayedAutoStart).toBe(true);
    expect(s.onfailure.map((f: Record<string, string>) => [f['@action'], f['@delay']])).toEqual([
      ['restart', '10 sec'],
      ['restart', '60 sec'],
      ['restart', '5 min'],
    ]);
    expect(s.resetfailure).toBe('1 hour');
    expect(s.serviceaccount.username).toBe('LocalSystem');
    expect(s.env.find((e: Record<string, string>) => e['@name'] === 'LANET_AGENT_CONFIG_DIR')['@value']).toBe(options.configDir);
  });

  it('the least-privilege variant runs as NT AUTHORITY\\LocalService and its ACL grants that account', () => {
    expect(parse(winswDefinition({ ...options, account: 'LocalService' })).serviceaccount.username).toBe('NT AUTHORITY\\LocalService');
    expect(configDirAcl(options.configDir, 'LocalService')).toContain('*S-1-5-19:(OI)(CI)M');
    expect(configDirAcl(options.configDir, 'LocalSystem')).toEqual([
      options.configDir,
      '/inheritance:r',
      '/grant:r',
      '*S-1-5-18:(OI)(CI)F',
      '/grant:r',
      '*S-1-5-32-544:(OI)(CI)F',
    ]);
  });

  it('AUTH-4: the enrollment secret is in agent.json (locked-down dir), never in the service XML; odd characters are escaped', () => {
    const plan = planServiceInstall(options);
    const xmlFile = plan.files.find((f) => f.path.endsWith('.xml'))!;
    expect(xmlFile.content).not.toContain('s3cret');
    const agentJson = plan.files.find((f) => f.path.endsWith('agent.json'))!;
    expect(agentJson.secret).toBe(true);
    expect(JSON.parse(agentJson.content)).toEqual({ server: options.server, enrollment_secret: options.enrollmentSecret });
    expect(plan.commands.map((c) => c.args[0])).toEqual([options.configDir, 'install', 'start']);
    const odd = parse(winswDefinition({ ...options, lanetBin: 'C:\\Tools & <Co>\\lanet.js' }));
    expect(odd.argument[0]).toBe('C:\\Tools & <Co>\\lanet.js');
  });

  it('refuses relative paths and odd service ids; --output-dir writes the files on any OS, installing needs Windows', () => {
    expect(() => winswDefinition({ ...options, nodePath: 'node.exe' })).toThrow(/absolute Windows path/);
    expect(() => winswDefinition({ ...options, lanetBin: '/usr/lib/lanet/bin/lanet.js' })).toThrow(/absolute Windows path/);
    expect(() => winswDefinition({ ...options, serviceId: 'lanet agent' })).toThrow(/letters, digits and hyphens/);
    const out = mkdtempSync(join(tmpdir(), 'lanet-service-'));
    try {
      expect(runInstall({ ...options, outputDir: out }, 'linux')).toBe(0);
      parse(readFileSync(join(out, 'lanet-agent.xml'), 'utf8'));
      expect(statSync(join(out, 'agent.json')).mode & 0o777).toBe(0o600);
      expect(runInstall(options, 'linux')).toBe(2);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
