import { createRequire } from 'node:module';

// Resolved from this file: installed, the @lanet packages sit beside @lanet/cli in node_modules; in the repository
// they are the npm workspaces (node_modules/@lanet/* links to the top-level folders).
const require = createRequire(import.meta.url);

/** Every package of the kit, in the order `lanet --version` lists them. */
export const kitPackages = [
  '@lanet/cli',
  '@lanet/contracts',
  '@lanet/reference-server',
  '@lanet/reference-agent',
  '@lanet/conformance',
  '@lanet/simulator',
] as const;

/** The installed version of `packageName`, or undefined when it is not installed. */
export function installedVersion(packageName: string): string | undefined {
  try {
    const pkg = require(`${packageName}/package.json`) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

/** True when `packageName` can be resolved from @lanet/cli. */
export function isInstalled(packageName: string): boolean {
  return installedVersion(packageName) !== undefined;
}

/** `lanet --version`: the command's own version first, then each installed part (a bug report needs them all). */
export function versionText(): string {
  const lines = [`lanet ${installedVersion('@lanet/cli') ?? 'unknown'}`];
  for (const name of kitPackages.slice(1)) {
    const version = installedVersion(name);
    lines.push(`  ${name} ${version ?? '(not installed)'}`);
  }
  lines.push(`  node ${process.version}`);
  return `${lines.join('\n')}\n`;
}
