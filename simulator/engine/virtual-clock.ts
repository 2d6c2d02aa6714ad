import { performance } from 'node:perf_hooks';

/**
 * The simulator's virtual clock: virtual time = real elapsed x time scale. Policy numbers (300 s interval, 60 s
 * retry, 30 min cap) stay in protocol seconds and run K times faster in real time.
 */
export class VirtualClock {
  private readonly realStartMs: number;

  /** `timeScale` K: one real second is K protocol seconds. */
  constructor(
    readonly timeScale: number,
    realStartMs: number = performance.now(),
  ) {
    if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new Error(`time scale must be a positive number, got ${timeScale}`);
    this.realStartMs = realStartMs;
  }

  /** Real milliseconds since the clock started (performance.now based, monotonic). */
  realElapsedMs(): number {
    return performance.now() - this.realStartMs;
  }

  /** Virtual milliseconds since the clock started. */
  nowMs(): number {
    return this.realElapsedMs() * this.timeScale;
  }

  /** The real elapsed time (ms since start) at which virtual time `virtualMs` arrives. */
  toRealMs(virtualMs: number): number {
    return virtualMs / this.timeScale;
  }

  /** Converts protocol seconds to real milliseconds at this scale. */
  protocolSecondsToRealMs(seconds: number): number {
    return (seconds * 1000) / this.timeScale;
  }
}
