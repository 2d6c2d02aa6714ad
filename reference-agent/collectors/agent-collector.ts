import { createRequire } from 'node:module';
import type { Collector } from './collector-types.js';

/** Set by the single-file build (`npm run build:agent`), which has no package.json beside it. */
declare const __LANET_AGENT_VERSION__: string | undefined;

/** The reference agent's version: the version of @lanet/reference-agent, read once (or built into the bundle). */
export const agentVersion: string = (() => {
  if (typeof __LANET_AGENT_VERSION__ === 'string') return __LANET_AGENT_VERSION__;
  try {
    // By package name, so the path is the same from the sources and from the compiled dist/.
    const pkg = createRequire(import.meta.url)('@lanet/reference-agent/package.json') as { version?: unknown };
    return typeof pkg.version === 'string' && pkg.version !== '' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
})();

/** The agent's own version and runtime, beside the deployed agent's legacy python_version (left out: not Python). */
export function agentCollector(): Collector {
  return {
    name: 'agent',
    timeoutMs: 1_000,
    async collect() {
      return {
        sections: { software: { agent_version: agentVersion, agent_runtime: `node ${process.version} (${process.platform} ${process.arch})` } },
      };
    },
  };
}
