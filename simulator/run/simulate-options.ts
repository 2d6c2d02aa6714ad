import type { WireOptions } from '@lanet/reference-agent/wire/heartbeat-wire';
import type { ScenarioName } from '../scenarios/scenario-catalog.js';
import type { Threshold } from '../report/thresholds.js';

/** Everything `lanet simulate` was asked to do, parsed and checked. */
export interface SimulateOptions {
  /** Base URL of the backend; undefined starts the reference server. */
  target: string | undefined;
  agents: number;
  /** Real seconds of load per scenario. */
  durationS: number;
  intervalS: number;
  timeScale: number;
  scenarios: ScenarioName[];
  seed: number;
  enrollmentSecret: string | undefined;
  adminToken: string | undefined;
  thresholds: Threshold[];
  record: string | undefined;
  replay: string | undefined;
  reportDir: string | undefined;
  shard: { index: number; count: number };
  connections: number;
  /** Sends in flight at once (undefined: twice `connections`); due sends past it wait as schedule lag. */
  maxInFlight: number | undefined;
  /** With --target: the target's offline threshold in real seconds, when its fleet view does not say (FLT-2). */
  offlineAfterS: number | undefined;
  failOnShould: boolean;
  /** The reference agent's wire unless an option departs from it (`--no-gzip`). */
  wire: WireOptions;
  /** Live progress on stderr. */
  progress: boolean;
  /** Where the summary goes (stdout by default). */
  out: (text: string) => void;
  err: (text: string) => void;
}
