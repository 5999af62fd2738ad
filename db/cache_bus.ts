/**
 * Cache invalidations shared by several instances: each `cache.invalidate(tag)`
 * here is sent with PostgreSQL NOTIFY, and every other instance on the
 * database drops the same tag when it hears it. So a course edited through one
 * instance is not served stale by another for the cache's TTL. (Sessions,
 * roles and disabled accounts are never cached: they are read on every
 * request, see core/auth/session.ts.)
 *
 * NOTIFY is delivered within milliseconds but not guaranteed (a listener that
 * is reconnecting misses it): the TTL of each entry stays the upper bound.
 */
import { sql } from "kysely";
import type { Cache } from "@/platform/cache.ts";
import { newId } from "@/platform/ids.ts";
import { log } from "@/platform/log.ts";
import type { DbHandle } from "./connection.ts";

export const CACHE_CHANNEL = "gafus_cache";

/** Starts passing invalidations on; resolves to a function that stops. No-op on PGlite. */
export async function shareCacheInvalidations(
  handle: Pick<DbHandle, "db" | "listen">,
  cache: Cache,
): Promise<() => Promise<void>> {
  if (!handle.listen) return () => Promise.resolve();
  // Our own messages come back to us too: the sender id tells them apart.
  const me = newId();
  const unlisten = await handle.listen(CACHE_CHANNEL, (payload) => {
    const sep = payload.indexOf(" ");
    if (sep < 0 || payload.slice(0, sep) === me) return;
    cache.invalidate(payload.slice(sep + 1), { fromPeer: true });
  });
  cache.onInvalidate((tag) => {
    sql`SELECT pg_notify(${CACHE_CHANNEL}, ${`${me} ${tag}`})`.execute(handle.db)
      .catch((err) => log.warn("cache invalidation not sent to other instances", { tag, err }));
  });
  return async () => {
    cache.onInvalidate(undefined);
    await unlisten();
  };
}
