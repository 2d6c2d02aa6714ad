import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HeartbeatRequest } from './heartbeat-request.js';

/** Path of the seed guide's example payload (HB-1): `// ...` line removed, placeholder asset_id made a real UUID. */
export const seedHeartbeatPath = fileURLToPath(new URL('./examples/seed-heartbeat.json', import.meta.url));

/** A fresh copy of the seed guide's example heartbeat (HB-1). */
export function seedHeartbeat(): HeartbeatRequest {
  return JSON.parse(readFileSync(seedHeartbeatPath, 'utf8')) as HeartbeatRequest;
}

// Realistic program names for padding the seed example to the size the guide states (5-8 KB, PERF-2).
const SEED_SIZED_PROGRAMS: ReadonlyArray<readonly [string, string, string]> = [
  ['Microsoft Office Professional Plus 2021', '16.0.14332.20481', 'Microsoft Corporation'],
  ['Google Chrome', '131.0.6778.86', 'Google LLC'],
  ['Mozilla Firefox (x64 en-US)', '133.0', 'Mozilla'],
  ['7-Zip 23.01 (x64)', '23.01', 'Igor Pavlov'],
  ['Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.40.33810', '14.40.33810.0', 'Microsoft Corporation'],
  ['Microsoft Visual C++ 2015-2022 Redistributable (x86) - 14.40.33810', '14.40.33810.0', 'Microsoft Corporation'],
  ['Adobe Acrobat Reader DC', '24.004.20220', 'Adobe Systems Incorporated'],
  ['Zoom Workplace (64-bit)', '6.2.11', 'Zoom Video Communications, Inc.'],
  ['Microsoft Teams Meeting Add-in for Microsoft Office', '1.24.25401', 'Microsoft'],
  ['Notepad++ (64-bit x64)', '8.7.1', 'Notepad++ Team'],
];

/** The seed example padded to 50 installed programs, the size the guide states (~5-8 KB): the benchmarks' payload. */
export function seedSizedHeartbeat(): HeartbeatRequest {
  const hb = seedHeartbeat();
  const programs = Array.from({ length: 50 }, (_, i) => {
    const [name, version, publisher] = SEED_SIZED_PROGRAMS[i % SEED_SIZED_PROGRAMS.length]!;
    return { name: i < SEED_SIZED_PROGRAMS.length ? name : `${name} (component ${i})`, version, publisher };
  });
  hb.software_inventory = { ...hb.software_inventory, installed_programs: programs };
  return hb;
}
