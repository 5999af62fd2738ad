/**
 * A leader lease in Deno KV: at most one holder at a time, for `ttlMs` after
 * its last renewal. Taking and renewing are one atomic check-and-set on the
 * key's versionstamp, so two processes sharing the KV store cannot both win;
 * the expiry time is in the value (KV's `expireIn` only cleans up, its
 * deletion may lag), so a lapsed lease is taken over on time.
 */
import type { SharedKv } from "@/platform/shared_kv.ts";

export interface LeaseValue {
  owner: string;
  until: number;
}

export class Lease {
  constructor(
    private readonly kv: SharedKv,
    private readonly key: Deno.KvKey,
    readonly owner: string,
    readonly ttlMs: number,
  ) {}

  /** Takes the lease when free or lapsed, renews it when held; false when another holds it. */
  async acquire(now = Date.now()): Promise<boolean> {
    const cur = await this.kv.get<LeaseValue>(this.key);
    if (cur.value && cur.value.owner !== this.owner && cur.value.until > now) return false;
    const res = await this.kv.atomic().check(cur)
      .set(this.key, { owner: this.owner, until: now + this.ttlMs }, {
        expireIn: this.ttlMs + 60_000,
      })
      .commit();
    return res.ok;
  }

  /** Gives the lease up at once (a clean stop), when still held. */
  async release(): Promise<void> {
    const cur = await this.kv.get<LeaseValue>(this.key);
    if (cur.value?.owner !== this.owner) return;
    await this.kv.atomic().check(cur).delete(this.key).commit();
  }

  async holder(): Promise<string | null> {
    const cur = await this.kv.get<LeaseValue>(this.key);
    return cur.value && cur.value.until > Date.now() ? cur.value.owner : null;
  }
}
