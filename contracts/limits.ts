/**
 * Every bound the contracts enforce, in one place, each with the reason for its number.
 * The spec, the validators, the arbitraries and the conformance suite all read these.
 */
export const limits = {
  /** Interval the seed's agent uses; the server may steer it between the HB-11 bounds. */
  defaultHeartbeatIntervalS: 300,
  /** HB-11: below 60 s a fleet of 2000 agents would exceed the seed's backend budget; above 1 h liveness (FLT-2) is meaningless. */
  minHeartbeatIntervalS: 60,
  maxHeartbeatIntervalS: 3600,
  /** DNS names are at most 253 characters; 255 also fits a NetBIOS or FQDN with a trailing dot. */
  hostnameMax: 255,
  /** Platform strings such as "Windows-10-10.0.26100" or a full Linux kernel banner stay well under 256. */
  platformMax: 256,
  /** CPU brand strings (CPUID) are at most 48 characters; 256 leaves room for WMI's longer descriptions. */
  processorMax: 256,
  /** "64bit", "AMD64", "ARM64", "x86_64": 32 is ample. */
  architectureMax: 32,
  /** Short enum-like words the agent reports (status, smart status, interface, file system). */
  shortWordMax: 32,
  /** Windows MAX_PATH; a device or volume path never exceeds it. */
  devicePathMax: 260,
  /** Disk model strings (ATA IDENTIFY is 40 chars, NVMe 40); 256 leaves room for vendor prefixes. */
  modelMax: 256,
  /** A server with a JBOD can expose dozens of disks; 64 covers any single Windows host we know of. */
  disksMax: 64,
  /** One volume per drive letter (26) plus mounted folders; 64 mirrors disksMax. */
  volumesMax: 64,
  /** A BitLocker numerical password is 55 characters; key packages in base64 stay under 1 KiB. */
  recoveryKeyMax: 1024,
  /**
   * Real inventories reach ~1,500 Uninstall entries on terminal servers (WOW6432Node and updates included);
   * the seed's cap of 50 lost the rest. 2,000 keeps a worst-case body under the server's 4 MiB ceiling (GEN-4).
   */
  programsMax: 2000,
  /** Registry DisplayName values are at most 256 characters in practice (MSI ProductName is limited to 255). */
  programNameMax: 256,
  /** DisplayVersion strings such as "16.0.14332.20481" or date-stamped builds. */
  programVersionMax: 128,
  publisherMax: 256,
  /** One entry per collector that failed; the reference agent has 8 collectors, newer agents may add some. */
  collectionErrorsMax: 32,
  collectorNameMax: 64,
  /** An exception message, truncated by the agent; longer traces belong in the agent's log, not the heartbeat. */
  collectionErrorMax: 1024,
  /** Installed RAM: Windows Server 2022 supports 48 TB, so 65,536 GB (64 TiB) is above any real host. */
  memoryGbMax: 65_536,
  /** One disk or volume up to 1 PB (1,000,000 GB): far above any single device shipping today. */
  diskGbMax: 1_000_000,
  /** Agent-side version strings (semver with build metadata, Python or Node versions). */
  versionMax: 64,
  /** Runtime descriptions such as "node v20.20.2 (win32 x64)". */
  runtimeMax: 128,
  /** Hardware fingerprint: a hex or base64 hash of SMBIOS UUID, board and disk serials; 16 chars minimum so it is not guessable. */
  fingerprintMin: 16,
  fingerprintMax: 256,
  /** Bearer tokens: at least 128 bits of entropy in hex or base64url, at most 256 characters. */
  tokenMin: 32,
  tokenMax: 256,
  /** Problem details list at most this many field errors; the rest are summarised in `detail`. */
  problemErrorsMax: 100,
  /** Human-readable problem text fields. */
  problemTextMax: 2048,
  /** History pages: 50 by default, 500 at most so one page stays far below the body limit. */
  historyPageDefault: 50,
  historyPageMax: 500,
  /** Fleet list pages (FLT-5): 100 by default, 1,000 at most (a page of 1,000 agents is ~300 KB). */
  fleetPageDefault: 100,
  fleetPageMax: 1000,
  /** Idempotency-Key header (HB-7): 1..128 characters, like common payment APIs' keys. */
  idempotencyKeyMax: 128,
  /** Nesting depth of a request body: unknown fields may nest (HB-5), but no input may cost a 5xx (GEN-6). */
  bodyDepthMax: 64,
  /** Opaque pagination cursor. */
  cursorMax: 256,
  /** Clock skew recorded (HB-8): clamp at ±10 years, beyond that the agent clock is simply wrong. */
  clockSkewMaxS: 315_576_000,
} as const;

/**
 * Protocol constants (timing and thresholds), in one place: the agent, the server, the conformance suite and the
 * simulator all read these. Seconds unless named otherwise.
 */
export const protocol = {
  /** The agent's HTTP timeout (seed: "Timeout: 15 seconds"); GEN-8 bounds every answer by it. */
  agentTimeoutS: 15,
  /** AG-1: the n-th heartbeat goes within this many seconds of start + n x interval; FLT-2's jitter bound too. */
  scheduleToleranceS: 30,
  /** AG-2: the first retry after a network failure or timeout (seed: "Retry every 60 seconds"). */
  networkRetryS: 60,
  /** AG-2: the jitter around that retry, as a fraction of it (60 s +- 15 s). */
  networkRetryJitter: 0.25,
  /** AG-3: exponential backoff base and cap (full jitter). */
  backoffBaseS: 60,
  backoffCapS: 1800,
  /** AG-7: the start-up spread, as a fraction of the interval; arrivals after an outage peak at most 1.5x the steady rate. */
  startupSpreadFraction: 0.8,
  arrivalPeakMax: 1.5,
  /** FLT-2: offline after this long without a heartbeat, by default (seed: "No data for >10 minutes"). */
  offlineAfterDefaultS: 600,
  /** HB-8: a skew beyond this is flagged in the fleet view (seed tolerance is 5 minutes). */
  skewFlagS: 300,
  /** GEN-4: the body limit a server picks lies in this range (bytes, inflated size for gzip). */
  bodyLimitMinBytes: 256 * 1024,
  bodyLimitMaxBytes: 4 * 1024 * 1024,
  /** PERF-1: the p99 bound (ms) at 2,000 heartbeats per second. */
  perf1P99Ms: 100,
  perf1RatePerS: 2000,
} as const;
