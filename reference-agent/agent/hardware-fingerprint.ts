import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import si from 'systeminformation';

/**
 * A stable hash of the machine (REG-3): SMBIOS UUID and serial, board serial and the OS machine id, so a reinstalled
 * agent gets its asset id back. Hashed so no serial number leaves the machine in clear.
 */
export async function hardwareFingerprint(): Promise<string> {
  const [system, board, uuid] = await Promise.all([si.system().catch(() => undefined), si.baseboard().catch(() => undefined), si.uuid().catch(() => undefined)]);
  let machineId = '';
  try {
    machineId = readFileSync('/etc/machine-id', 'utf8').trim();
  } catch {
    // Not Linux (Windows reports its MachineGuid through si.uuid().os).
  }
  const parts = [system?.uuid, system?.serial, board?.serial, uuid?.os, uuid?.hardware, machineId].map((p) => (p ?? '').trim()).filter((p) => p !== '' && p !== '-' && !/^0+$/.test(p));
  // A VM that exposes no serials at all still needs a stable value: the hostname is the last resort.
  if (parts.length === 0) parts.push(`hostname:${os.hostname()}`);
  return `sha256:${createHash('sha256').update(parts.join('|')).digest('hex')}`;
}
