import type { Collector } from '../collector-types.js';
import { normalizePrograms } from '../normalize-programs.js';
import type { PowerShellSession } from './powershell-session.js';
import { bitlockerScript, disksScript, programsScript, systemScript } from './powershell-scripts.js';
import { parseBitLocker, parseDisks, parsePrograms, parseSystem } from './windows-parsers.js';

/**
 * The Windows collectors, all through one persistent PowerShell session (queries run one after another, so each
 * collector's timeout leaves room for the queries queued before it). Metrics and memory come from Node and the kernel (host-metrics.ts).
 */
export function windowsCollectors(session: () => PowerShellSession): Collector[] {
  const query = (script: string, timeoutMs: number) => session().run(script, timeoutMs);
  return [
    {
      name: 'system',
      timeoutMs: 30_000,
      collect: async () => ({ sections: { system: parseSystem(await query(systemScript, 15_000)) } }),
    },
    {
      name: 'disks',
      timeoutMs: 45_000,
      collect: async () => ({ sections: { disks: parseDisks(await query(disksScript, 20_000)) } }),
    },
    {
      name: 'bitlocker',
      timeoutMs: 45_000,
      collect: async () => ({ sections: { bitlocker: parseBitLocker(await query(bitlockerScript, 20_000)) } }),
    },
    {
      name: 'programs',
      timeoutMs: 90_000,
      collect: async () => {
        const list = normalizePrograms(parsePrograms(await query(programsScript, 45_000)));
        return { sections: { software: { installed_programs: list.installed_programs, installed_programs_truncated: list.installed_programs_truncated } } };
      },
    },
  ];
}
