import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, win32 } from 'node:path';
import { Command, Option } from 'commander';
import { defaultConfigDir } from '../agent/identity-store.js';
import { configDirAcl, defaultServiceId, winswDefinition, type ServiceAccount } from './winsw-definition.js';

/** The single-file agent's path when this code runs from it (set by bundle/agent-main.ts); the service then runs it. */
let bundledScript: string | undefined;

/** Called by the single-file agent at start-up: install-service then points the service at that file. */
export function useBundledScript(path: string): void {
  bundledScript = path;
}

/** Options of `lanet agent install-service`. */
export interface InstallOptions {
  server: string;
  enrollmentSecret: string;
  account: ServiceAccount;
  /** Path to WinSW-x64.exe (downloaded by the operator from the WinSW release page). */
  winsw?: string;
  configDir: string;
  nodePath: string;
  lanetBin: string;
  /** `lanetBin` is the single-file agent: the service passes no `agent` subcommand. */
  bundled?: boolean;
  serviceId: string;
  /** Write the files into this folder and install nothing (works on any OS, for review or packaging). */
  outputDir?: string;
}

/** The files and commands an install consists of, computed without touching the machine. */
export interface InstallPlan {
  files: Array<{ path: string; content: string; secret: boolean }>;
  commands: Array<{ file: string; args: string[] }>;
}

/** Plans an install: the WinSW XML beside the renamed WinSW exe, agent.json (secret) in the locked-down config dir. */
export function planServiceInstall(o: InstallOptions): InstallPlan {
  const dir = o.outputDir ?? o.configDir;
  const join_ = o.outputDir ? join : win32.join;
  const exe = win32.join(o.configDir, `${o.serviceId}.exe`);
  return {
    files: [
      { path: join_(dir, `${o.serviceId}.xml`), content: winswDefinition(o), secret: false },
      { path: join_(dir, 'agent.json'), content: `${JSON.stringify({ server: o.server, enrollment_secret: o.enrollmentSecret }, null, 2)}\n`, secret: true },
    ],
    commands: [
      { file: 'icacls', args: configDirAcl(o.configDir, o.account) },
      { file: exe, args: ['install'] },
      { file: exe, args: ['start'] },
    ],
  };
}

/** The `lanet` script now running (installed: @lanet/cli's bin; in a clone: bin/lanet.js), or the single-file agent when running from it; typical Windows paths when generating elsewhere. */
function defaultLanetBin(): string {
  if (process.platform !== 'win32')
    return bundledScript !== undefined ? 'C:\\Program Files\\LANET\\lanet-agent.mjs' : 'C:\\Program Files\\LANET\\bin\\lanet.js';
  return bundledScript ?? process.argv[1] ?? 'lanet.js';
}

function installOptions(opts: Record<string, unknown>): InstallOptions {
  const configDir = (opts.configDir as string | undefined) ?? defaultConfigDir('win32');
  return {
    server: String(opts.server),
    enrollmentSecret: String(opts.enrollmentSecret),
    account: (opts.account as ServiceAccount | undefined) ?? 'LocalSystem',
    winsw: opts.winsw as string | undefined,
    configDir,
    // Generating on another OS (--output-dir) cannot know the Windows paths: typical ones, to be overridden.
    nodePath: (opts.node as string | undefined) ?? (process.platform === 'win32' ? process.execPath : 'C:\\Program Files\\nodejs\\node.exe'),
    lanetBin: (opts.lanetBin as string | undefined) ?? defaultLanetBin(),
    bundled: opts.lanetBin === undefined ? bundledScript !== undefined : /\.mjs$/i.test(String(opts.lanetBin)),
    serviceId: (opts.serviceId as string | undefined) ?? defaultServiceId,
    outputDir: opts.outputDir as string | undefined,
  };
}

/** Carries out `install-service`; returns the exit code (0 done, 2 could not run). */
export function runInstall(o: InstallOptions, platform: NodeJS.Platform = process.platform): number {
  let plan: InstallPlan;
  try {
    plan = planServiceInstall(o);
  } catch (error) {
    process.stderr.write(`lanet agent install-service: ${(error as Error).message}\n`);
    return 2;
  }
  if (o.outputDir) {
    mkdirSync(o.outputDir, { recursive: true });
    for (const f of plan.files) writeFileSync(f.path, f.content, { mode: f.secret ? 0o600 : 0o644 });
    process.stderr.write(
      `Wrote ${plan.files.map((f) => f.path).join(', ')}. On Windows, as Administrator: ${plan.commands.map((c) => `${c.file} ${c.args.join(' ')}`).join(' ; ')}\n`,
    );
    return 0;
  }
  if (platform !== 'win32') {
    process.stderr.write(
      'lanet agent install-service installs a Windows service and runs on Windows only; use --output-dir DIR to generate the definition here for review.\n',
    );
    return 2;
  }
  if (!o.winsw || !existsSync(o.winsw)) {
    process.stderr.write('lanet agent install-service: pass --winsw PATH to WinSW-x64.exe 2.12 (https://github.com/winsw/winsw/releases).\n');
    return 2;
  }
  mkdirSync(o.configDir, { recursive: true });
  copyFileSync(o.winsw, win32.join(o.configDir, `${o.serviceId}.exe`));
  for (const f of plan.files) writeFileSync(f.path, f.content);
  for (const c of plan.commands) execFileSync(c.file, c.args, { stdio: 'inherit' });
  return 0;
}

/** Carries out `uninstall-service`: stop and remove the service; identity.json stays so a reinstall keeps the asset id. */
export function runUninstall(configDir: string, serviceId: string, platform: NodeJS.Platform = process.platform): number {
  if (platform !== 'win32') {
    process.stderr.write('lanet agent uninstall-service removes a Windows service and runs on Windows only.\n');
    return 2;
  }
  const exe = win32.join(configDir, `${serviceId}.exe`);
  execFileSync(exe, ['stop'], { stdio: 'inherit' });
  execFileSync(exe, ['uninstall'], { stdio: 'inherit' });
  return 0;
}

/** The `install-service` and `uninstall-service` subcommands of `lanet agent`. */
export function createServiceCommands(): Command[] {
  const install = new Command('install-service')
    .description('Install the agent as a Windows service with WinSW (run as Administrator), or generate its files with --output-dir')
    .requiredOption('--server <url>', 'backend base URL')
    // AUTH-4: the variable keeps the secret out of the process list and shell history; --help never prints it.
    .addOption(
      new Option('--enrollment-secret <secret>', 'enrollment secret, stored in agent.json inside the locked-down config dir')
        .env('LANET_ENROLLMENT_SECRET')
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--account <account>',
        'service account: LocalSystem reads BitLocker; LocalService is least privilege but BitLocker is then reported as a collection error',
      )
        .choices(['LocalSystem', 'LocalService'])
        .default('LocalSystem'),
    )
    .option('--winsw <path>', 'path to WinSW-x64.exe 2.12 (copied beside the XML as lanet-agent.exe)')
    .option('--config-dir <dir>', 'install and config directory (default %ProgramData%\\LANET\\agent)')
    .option('--node <path>', 'node.exe to run (default: this one)')
    .option('--lanet-bin <path>', 'bin\\lanet.js of this kit, or lanet-agent.mjs, the single-file agent (default: the one running)')
    .option('--service-id <id>', 'Windows service name', defaultServiceId)
    .option('--output-dir <dir>', 'write the WinSW XML and agent.json here and install nothing (any OS)')
    .action((opts: Record<string, unknown>) => {
      process.exitCode = runInstall(installOptions(opts));
    });
  const uninstall = new Command('uninstall-service')
    .description('Stop and remove the Windows service (identity.json is kept, so a reinstall keeps the asset id)')
    .option('--config-dir <dir>', 'install directory (default %ProgramData%\\LANET\\agent)')
    .option('--service-id <id>', 'Windows service name', defaultServiceId)
    .action((opts: { configDir?: string; serviceId: string }) => {
      process.exitCode = runUninstall(opts.configDir ?? defaultConfigDir('win32'), opts.serviceId);
    });
  return [install, uninstall];
}
