import { createWriteStream, type WriteStream } from 'node:fs';
import type { BeatEvent } from '../engine/run-config.js';

/** First line of a recording: what is needed to reproduce the run. */
export interface RecordingHeader {
  type: 'header';
  version: 1;
  seed: number;
  scenario: string;
  agents: number;
  shard: { index: number; count: number };
  interval_s: number;
  time_scale: number;
  duration_s: number;
}

/** One generated heartbeat and its schedule (rest only when it changed since the agent's previous beat). */
export interface BeatLine {
  type: 'beat';
  agent: number;
  beat: number;
  at_ms: number;
  reason: string;
  heartbeat_type: string;
  timestamp: string;
  asset_id: string;
  status?: BeatEvent['status'];
  rest?: string;
  invalid?: BeatEvent['invalid'];
}

/** The line written when the run's clock starts: replay moves timestamps by the difference of start times. */
export interface StartLine {
  type: 'start';
  wall_ms: number;
}

/**
 * --record: writes the header, the clock start and every generated heartbeat as NDJSON. Bodies are stored as their
 * per-beat parts plus the inventory whenever it changed, which reproduces every body byte for byte at a fraction of
 * the size (2,000 agents x 60 beats of ~6 KB would otherwise be ~700 MB).
 */
export class NdjsonRecorder {
  private readonly out: WriteStream;

  constructor(file: string, header: Omit<RecordingHeader, 'type' | 'version'>) {
    this.out = createWriteStream(file, { encoding: 'utf8' });
    this.write({ type: 'header', version: 1, ...header });
  }

  /** Marks the start of the run's clock. */
  start(wallMs: number): void {
    this.write({ type: 'start', wall_ms: wallMs } satisfies StartLine);
  }

  /** Records one generated beat. */
  beat(event: BeatEvent): void {
    const line: BeatLine = {
      type: 'beat',
      agent: event.agent,
      beat: event.beat,
      at_ms: event.atMs,
      reason: event.reason,
      heartbeat_type: event.heartbeatType,
      timestamp: event.timestamp,
      asset_id: event.assetId,
      ...(event.status ? { status: event.status } : {}),
      ...(event.rest !== undefined ? { rest: event.rest } : {}),
      ...(event.invalid ? { invalid: event.invalid } : {}),
    };
    this.write(line);
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }

  private write(value: unknown): void {
    this.out.write(`${JSON.stringify(value)}\n`);
  }
}
