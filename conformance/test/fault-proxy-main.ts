import { startFaultProxy } from './fault-proxy.js';
import { faults, type FaultEnv } from './faults.js';

// Runs one faulty backend (a fault proxy) in its own process, so the suite under test and the backend never share an
// event loop: `node --import tsx fault-proxy-main.ts UPSTREAM FAULT_NAME|none ENV_JSON` prints `listening on URL`.
const [upstream, name, envJson] = process.argv.slice(2);
if (!upstream || !name || !envJson) {
  process.stderr.write('usage: fault-proxy-main.ts UPSTREAM FAULT_NAME|none ENV_JSON\n');
  process.exit(2);
}
const fault = faults.find((f) => f.name === name);
if (name !== 'none' && !fault) {
  process.stderr.write(`unknown fault '${name}'; known: ${faults.map((f) => f.name).join(' | ')}\n`);
  process.exit(2);
}
const proxy = await startFaultProxy(upstream, fault ? fault.make(JSON.parse(envJson) as FaultEnv) : {});
process.stdout.write(`listening on ${proxy.url}\n`);
process.once('SIGTERM', () => void proxy.close().finally(() => process.exit(0)));
