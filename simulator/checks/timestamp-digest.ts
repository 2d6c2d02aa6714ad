/** Two independent 32-bit hashes of a string (FNV-1a with different offsets, then an avalanche mix). */
function hash2(text: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return [avalanche(a), avalanche(b ^ text.length)];
}

function avalanche(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A multiset digest of agent timestamps: how many, plus two additive 32-bit hash sums, so the heartbeats an agent
 * got accepted are compared with what the target stored (FLT-4) in 24 bytes per agent instead of a list that grows
 * with every heartbeat (issue 13). Order does not matter; adding the same timestamp twice changes the digest.
 */
export class TimestampDigest {
  count = 0;
  private lo = 0;
  private hi = 0;

  /** Adds one timestamp. */
  add(timestamp: string): void {
    const [a, b] = hash2(timestamp);
    this.count++;
    this.lo = (this.lo + a) >>> 0;
    this.hi = (this.hi + b) >>> 0;
  }

  /** True when both hold the same timestamps the same number of times (a false match needs a 64-bit collision). */
  equals(other: TimestampDigest): boolean {
    return this.count === other.count && this.lo === other.lo && this.hi === other.hi;
  }
}
