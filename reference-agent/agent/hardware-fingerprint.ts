import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * A stable hash of the machine (REG-3): SMBIOS UUID and serial, board serial and the OS machine id, so a reinstalled
 * agent gets its asset id back. Hashed so no serial number leaves the machine in clear.
 */
export async function hardwareFingerprint(): Promise<string> {
  // Loaded only here, at registration: the collectors no longer need it, and an agent that is registered never pays
  // for its code (PERF-3). Kept for the fingerprint so an upgraded agent keeps its asset id (REG-3).
  const { default: si } = await import('systeminformation');
  const [system, board, uuid] = await Promise.all([
    si.system().catch(() => undefined),
    si.baseboard().catch(() => undefined),
    si.uuid().catch(() => undefined),
  ]);
  let machineId = '';
  try {
    machineId = readFileSync('/etc/machine-id', 'utf8').trim();
  } catch {
    // Not Linux (Windows reports its MachineGuid through si.uuid().os).
  }
  const parts = [system?.uuid, system?.serial, board?.serial, uuid?.os, uuid?.hardware, machineId]
    .map((p) => (p ?? '').trim())
    .filter((p) => p !== '' && p !== '-' && !/^0+$/.test(p));
  // A VM that exposes no serials at all still needs a stable value: the hostname is the last resort.
  if (parts.length === 0) parts.push(`hostname:${os.hostname()}`);
  return `sha256:${createHash('sha256').update(parts.join('|')).digest('hex')}`;
}
