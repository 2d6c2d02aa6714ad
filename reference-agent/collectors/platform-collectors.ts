import { agentCollector } from './agent-collector.js';
import type { Collector } from './collector-types.js';
import { linuxCollectors } from './linux/linux-collectors.js';
import { memoryCollector, metricsCollector } from './metrics-collector.js';
import { windowsCollectors } from './windows/windows-collectors.js';
import type { PowerShellSession } from './windows/powershell-session.js';

/** The collectors for this platform: shared ones (metrics, memory, agent) plus the OS-specific ones. */
export function platformCollectors(platform: NodeJS.Platform = process.platform, powershell?: () => PowerShellSession): Collector[] {
  const shared = [metricsCollector(platform), memoryCollector(), agentCollector()];
  if (platform === 'win32') {
    if (!powershell) throw new Error('the Windows collectors need a PowerShell session factory');
    return [...shared, ...windowsCollectors(powershell)];
  }
  return [...shared, ...linuxCollectors()];
}
