import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import si from 'systeminformation';
import { expect, it } from 'vitest';
import { hardwareFingerprint } from './hardware-fingerprint.js';

it("REG-3: loading only systeminformation's system and osinfo modules gives the fingerprint its package index gives", async () => {
  // The formula as it was when the fingerprint read systeminformation through its index (every module loaded).
  const [system, board, uuid] = await Promise.all([si.system(), si.baseboard(), si.uuid()]);
  let machineId = '';
  try {
    machineId = readFileSync('/etc/machine-id', 'utf8').trim();
  } catch {
    // not Linux
  }
  const parts = [system.uuid, system.serial, board.serial, uuid.os, uuid.hardware, machineId]
    .map((p) => (p ?? '').trim())
    .filter((p) => p !== '' && p !== '-' && !/^0+$/.test(p));
  const viaIndex = `sha256:${createHash('sha256').update(parts.join('|')).digest('hex')}`;
  expect(await hardwareFingerprint()).toBe(viaIndex);
  expect(await hardwareFingerprint()).toMatch(/^sha256:[0-9a-f]{64}$/);
}, 60_000);
