/**
 * The HTTP thread's token hash -> asset id cache (AUTH-1), kept correct under re-registration (REG-3) on this
 * instance and on every other instance sharing the database (revocations arrive through `revoke`).
 *
 * Two rules make it safe. A lookup caches its answer only if no revocation happened while it was in flight (the
 * epoch check): otherwise a lookup that read the old token just before a re-registration committed would put the
 * revoked token back. And while revocations may be missed (the PostgreSQL listener is disconnected) the cache is
 * off: every heartbeat is checked against the database, so a revoked token never outlives its revocation.
 */

/** Entries beyond this are dropped wholesale: the cache is a shortcut, the database is the truth. */
const MAX_ENTRIES = 200_000;

/** A token cache with the epoch rule and an on/off switch for missed-revocation windows. */
export class TokenCache {
  private readonly entries = new Map<string, string>();
  private epoch = 0;
  private live: boolean;

  /** `live`: whether revocations are known to reach this cache (always true on a single SQLite instance). */
  constructor(live = true) {
    this.live = live;
  }

  /** The asset id of a token hash, looking it up with `lookup` on a miss (and caching it unless a revocation raced it). */
  async resolve(hash: string, lookup: (hash: string) => Promise<string | undefined>): Promise<string | undefined> {
    const cached = this.entries.get(hash);
    if (cached !== undefined) return cached;
    const started = this.epoch;
    const assetId = await lookup(hash);
    if (assetId !== undefined && this.live && this.epoch === started) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(hash, assetId);
    }
    return assetId;
  }

  /** Records a token just issued by this instance (REG-1). */
  issued(hash: string, assetId: string): void {
    if (this.live) this.entries.set(hash, assetId);
  }

  /** REG-3: a token stopped working; lookups in flight must not cache it again. */
  revoke(hash: string): void {
    this.epoch++;
    this.entries.delete(hash);
  }

  /** Revocations may be missed from now on (listener down): forget everything and stop caching. */
  suspend(): void {
    this.epoch++;
    this.live = false;
    this.entries.clear();
  }

  /** Revocations reach this cache again (listener connected): start caching from empty. */
  resume(): void {
    this.epoch++;
    this.entries.clear();
    this.live = true;
  }

  /** Whether the cache is in use (false while revocations could be missed). */
  get enabled(): boolean {
    return this.live;
  }

  /** Number of cached tokens. */
  get size(): number {
    return this.entries.size;
  }
}
