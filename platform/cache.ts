/**
 * A small in-process cache for data that many requests share (the public
 * catalogue, course outlines). Entries carry tags; a change to content calls
 * `invalidate(tag)`, so a reader never sees data older than the last local
 * change. With several instances (`JOBS_BACKEND=postgres`) db/cache_bus.ts
 * passes each invalidation on to the others; the TTL bounds staleness when a
 * message is lost (a reconnect) or a change bypassed the app.
 */

interface Entry<T> {
  value: T;
  expires: number;
  tags: string[];
}

export class Cache {
  #entries = new Map<string, Entry<unknown>>();
  #inflight = new Map<string, Promise<unknown>>();
  #generation = 0;
  #onInvalidate: ((tag: string) => void) | undefined;
  hits = 0;
  misses = 0;

  constructor(readonly maxEntries = 2000) {}

  /**
   * Returns the cached value for `key`, or loads it once (concurrent callers
   * share one load) and keeps it for `ttlMs`.
   */
  get<T>(
    key: string,
    opts: { ttlMs: number; tags: string[] },
    load: () => Promise<T>,
  ): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit && hit.expires > Date.now()) {
      this.hits++;
      return Promise.resolve(hit.value as T);
    }
    const pending = this.#inflight.get(key);
    if (pending) return pending as Promise<T>;
    this.misses++;
    const generation = this.#generation;
    const p = load().then((value) => {
      // A load that started before an invalidation may hold old data: do not keep it.
      if (generation === this.#generation) {
        if (this.#entries.size >= this.maxEntries) {
          const oldest = this.#entries.keys().next().value;
          if (oldest !== undefined) this.#entries.delete(oldest);
        }
        this.#entries.set(key, { value, expires: Date.now() + opts.ttlMs, tags: opts.tags });
      }
      return value;
    }).finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, p);
    return p;
  }

  /** The value for `key` if present and fresh (no loading). */
  peek<T>(key: string): T | undefined {
    const hit = this.#entries.get(key);
    if (hit && hit.expires > Date.now()) {
      this.hits++;
      return hit.value as T;
    }
    return undefined;
  }

  /** Stores a value computed elsewhere (e.g. a rendered page). */
  put<T>(key: string, value: T, opts: { ttlMs: number; tags: string[] }) {
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, { value, expires: Date.now() + opts.ttlMs, tags: opts.tags });
  }

  /** Called with every tag this process invalidates (not with those a peer passed on). */
  onInvalidate(fn: ((tag: string) => void) | undefined) {
    this.#onInvalidate = fn;
  }

  /** Drops every entry with this tag; `fromPeer`: another instance made the change. */
  invalidate(tag: string, opts: { fromPeer?: boolean } = {}) {
    if (!opts.fromPeer) this.#onInvalidate?.(tag);
    this.#generation++;
    for (const [key, entry] of this.#entries) {
      if (entry.tags.includes(tag)) this.#entries.delete(key);
    }
    this.#inflight.clear();
  }

  clear() {
    this.#generation++;
    this.#entries.clear();
    this.#inflight.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
