/**
 * PERF-2: raw and gzipped heartbeat sizes for the seed's payload and the reference agent's own payloads (this
 * machine, and the three recorded Windows machines), as the agent's wire sends them (wire/heartbeat-wire.ts: the
 * per-beat members stored, the rest deflated at zlib's level 6), beside the whole body gzipped in one piece.
 *
 *   npx tsx reference-agent/bench/payload-size.ts
 */
import { fileURLToPath } from 'node:url';
import { seedHeartbeat, seedSizedHeartbeat, type HeartbeatRequest } from '@lanet/contracts';
import { buildHeartbeat, UNREGISTERED_ASSET_ID } from '../agent/build-heartbeat.js';
import { encodeBody, encodeHeartbeat, heartbeatParts, HeartbeatRest } from '../wire/heartbeat-wire.js';
import { platformCollectors } from '../collectors/platform-collectors.js';
import { runCollectors } from '../collectors/run-collectors.js';
import { PowerShellSession } from '../collectors/windows/powershell-session.js';
import { windowsCollectors } from '../collectors/windows/windows-collectors.js';

function row(name: string, hb: HeartbeatRequest): string {
  const { head, rest } = heartbeatParts(hb);
  const json = `${head}${rest}}`;
  const raw = Buffer.byteLength(json);
  const sent = encodeHeartbeat(head, new HeartbeatRest(rest)).length;
  const whole = encodeBody(json).length;
  const programs = hb.software_inventory?.installed_programs?.length ?? 0;
  return `| ${name} | ${programs} | ${raw} | ${sent} | ${(sent / raw).toFixed(3)} | ${whole} |`;
}

const lines = ['| payload | programs | raw bytes | sent (gzip) bytes | sent/raw | whole body gzipped |', '| --- | --- | --- | --- | --- | --- |'];
lines.push(row('seed guide example', seedHeartbeat()), row('seed-sized (contracts seedSizedHeartbeat)', seedSizedHeartbeat()));
const player = fileURLToPath(new URL('../collectors/windows/fixtures/recorded-powershell.mjs', import.meta.url));
for (const machine of ['win10-home-workgroup-sata', 'win11-domain-nvme', 'server2022-domain-raid']) {
  const session = new PowerShellSession({
    command: process.execPath,
    args: [player, fileURLToPath(new URL(`../collectors/windows/fixtures/${machine}`, import.meta.url))],
  });
  const collectors = [...platformCollectors('linux').filter((c) => ['metrics', 'memory', 'agent'].includes(c.name)), ...windowsCollectors(() => session)];
  const run = await runCollectors(collectors);
  session.close();
  lines.push(
    row(`reference agent, ${machine} fixtures`, buildHeartbeat(run, UNREGISTERED_ASSET_ID, { now: new Date(), includeRecoveryKeys: false }).heartbeat),
  );
}
const here = await runCollectors(platformCollectors());
lines.push(
  row(
    `reference agent, this ${process.platform} machine`,
    buildHeartbeat(here, UNREGISTERED_ASSET_ID, { now: new Date(), includeRecoveryKeys: false }).heartbeat,
  ),
);
process.stdout.write(`${lines.join('\n')}\n`);
