// A size-bounded LRU whose entries also expire (kube's utilcache.LRUExpireCache):
// the webhook authorizer's decision cache. At the bound, adding evicts the
// least recently used entry; an expired entry is dropped when it is next read.
// Time comes from the injected clock, so tests move it by hand.

export interface Clock {
  /** Milliseconds, monotonic enough for TTLs (Date.now or performance.now both do). */
  now(): number;
}

interface Entry<V> {
  readonly value: V;
  readonly expiresAtMs: number;
}

export class ExpiringLru<K, V> {
  readonly #capacity: number;
  readonly #clock: Clock;
  /** Map keeps insertion order: the first key is the least recently used. */
  readonly #entries = new Map<K, Entry<V>>();

  constructor(capacity: number, clock: Clock) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new Error(`assertion failed: LRU capacity must be a positive integer, got ${capacity}`);
    this.#capacity = capacity;
    this.#clock = clock;
  }

  get(key: K): V | undefined {
    const e = this.#entries.get(key);
    if (e === undefined) return undefined;
    this.#entries.delete(key);
    if (this.#clock.now() >= e.expiresAtMs) return undefined;
    this.#entries.set(key, e);
    return e.value;
  }

  /** A TTL of 0 or less stores nothing: the entry would be expired already. */
  set(key: K, value: V, ttlMs: number): void {
    this.#entries.delete(key);
    if (!(ttlMs > 0)) return;
    if (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, expiresAtMs: this.#clock.now() + ttlMs });
  }

  get size(): number {
    return this.#entries.size;
  }
}
