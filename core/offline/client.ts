/**
 * Browser side of kept courses (islands KeepOffline, KeptCourses and
 * AppShell; the service worker reads the same caches): one Cache Storage
 * cache per course, `gafus-course-<slug>`, holding every URL of its bundle
 * (videos: the lowest rendition and its key) and a small JSON record of what
 * was kept under `/__gafus/version`. A course the server no longer shows to
 * the learner is deleted from the device (`refreshKept`).
 *
 * Runs only in the browser; no server imports (type imports only).
 */
import type { OfflineBundle } from "./bundle.ts";
import { offlineBundlePath } from "../paths.ts";

import { COURSE_CACHE_PREFIX, KEEP_LOCK_PREFIX } from "./cache_names.ts";
const RECORD_URL = "/__gafus/version";

export interface KeptRecord {
  slug: string;
  name: string;
  version: string;
  /** Bytes actually stored. */
  bytes: number;
  keptAt: string;
}

export function offlineSupported(): boolean {
  return typeof navigator !== "undefined" && "serviceWorker" in navigator &&
    typeof caches !== "undefined";
}

export function courseCacheName(slug: string): string {
  return COURSE_CACHE_PREFIX + slug;
}

export async function keptRecord(slug: string): Promise<KeptRecord | null> {
  // caches.match with a cacheName never creates the cache (caches.open would,
  // bringing back an empty copy of a course removed a moment ago).
  const res = await caches.match(RECORD_URL, { cacheName: courseCacheName(slug) });
  return res ? await res.json() as KeptRecord : null;
}

/** Every kept course on this device, newest first. */
export async function keptCourses(): Promise<KeptRecord[]> {
  const names = (await caches.keys()).filter((n) => n.startsWith(COURSE_CACHE_PREFIX));
  const records = await Promise.all(
    names.map((n) => keptRecord(n.slice(COURSE_CACHE_PREFIX.length))),
  );
  return records.filter((r): r is KeptRecord => r !== null)
    .sort((a, b) => b.keptAt.localeCompare(a.keptAt));
}

/** Deletes a kept course (its video keys too), after any download of it in progress. */
export function removeKept(slug: string): Promise<void> {
  return keepLock(slug, () => dropCache(slug));
}

/** The deletion itself, for callers already holding the course's lock (locks are not re-entrant). */
async function dropCache(slug: string): Promise<void> {
  await caches.delete(courseCacheName(slug));
}

/** The server answered, but not with the bundle (`status`: 401, 404…). */
export class BundleHttpError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
    this.name = "BundleHttpError";
  }
}

/**
 * The server says this learner may not see the course (any more): access
 * revoked, course closed to them. A 401 (signed out, session expired) is not
 * one: the same learner signing in again still has the course.
 */
export function isAccessLost(err: unknown): boolean {
  return err instanceof BundleHttpError && (err.status === 403 || err.status === 404);
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, {
    headers: { accept: "application/json" },
    credentials: "same-origin",
    cache: "no-store",
  });
  if (!res.ok) {
    await res.body?.cancel();
    throw new BundleHttpError(res.status);
  }
  return await res.json() as T;
}

export function fetchBundle(slug: string): Promise<OfflineBundle> {
  return getJson<OfflineBundle>(offlineBundlePath(slug));
}

/** The server's current version of a course's bundle (cheap: no file sizes needed by the caller). */
export async function serverVersion(slug: string): Promise<string> {
  return (await getJson<{ version: string }>(offlineBundlePath(slug) + "?version")).version;
}

/**
 * `fn` alone for this course across the tabs and islands of this browser
 * (Web Locks where there are some): a background refresh and a click on
 * "keep" never write one cache at the same time.
 */
function keepLock<T>(slug: string, fn: () => Promise<T>): Promise<T> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  return locks ? locks.request(KEEP_LOCK_PREFIX + slug, fn) : fn();
}

/**
 * Downloads every file of `bundle` into the course's cache (a few at a time),
 * reporting each one done; then drops what the new bundle no longer lists
 * and writes the record. A failed file fails the whole keep, so a course is
 * never shown as kept with holes in it; a first keep that fails leaves
 * nothing behind (no stray video key without a record to find it by).
 *
 * A copy already at this version (kept meanwhile by another tab) is left as
 * it is. `refresh`: only update a copy that is still kept — a course removed
 * meanwhile (by the learner, or for lost access) is not brought back, and
 * the answer is null.
 */
export function keepBundle(
  bundle: OfflineBundle,
  onProgress: (done: number, total: number, bytes: number) => void,
  opts: { refresh?: boolean } = {},
): Promise<KeptRecord | null> {
  return keepLock(bundle.slug, async () => {
    const kept = await keptRecord(bundle.slug);
    if (kept && kept.version === bundle.version) return kept;
    if (!kept && opts.refresh) return null;
    try {
      return await download(bundle, onProgress);
    } catch (err) {
      if (!kept) await dropCache(bundle.slug);
      throw err;
    }
  });
}

async function download(
  bundle: OfflineBundle,
  onProgress: (done: number, total: number, bytes: number) => void,
): Promise<KeptRecord> {
  const cache = await caches.open(courseCacheName(bundle.slug));
  const urls = bundle.files.map((f) => f.url);
  let done = 0;
  let bytes = 0;
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < urls.length && !failed) {
      const url = urls[next++];
      try {
        const res = await fetch(url, { credentials: "same-origin", cache: "no-store" });
        if (!res.ok || res.redirected) throw new Error(`${url}: HTTP ${res.status}`);
        const blob = await res.blob();
        if (failed) return;
        bytes += blob.size;
        await cache.put(url, new Response(blob, { status: 200, headers: res.headers }));
      } catch (err) {
        // The other workers stop too: nothing more is written after a failure.
        failed = true;
        throw err;
      }
      onProgress(++done, urls.length, bytes);
    }
  };
  // Not Promise.all: on a failure it would answer (and the caller release the
  // course's lock) while another worker's put is still landing. Every write
  // happens under the lock, so a removal waiting for it comes after them all.
  const ends = await Promise.allSettled([worker(), worker(), worker()]);
  const failure = ends.find((e): e is PromiseRejectedResult => e.status === "rejected");
  if (failure) throw failure.reason;
  const keep = new Set(urls);
  for (const req of await cache.keys()) {
    const path = new URL(req.url).pathname + new URL(req.url).search;
    if (!keep.has(path) && new URL(req.url).pathname !== RECORD_URL) await cache.delete(req);
  }
  const record: KeptRecord = {
    slug: bundle.slug,
    name: bundle.name,
    version: bundle.version,
    bytes,
    keptAt: new Date().toISOString(),
  };
  await cache.put(
    RECORD_URL,
    new Response(JSON.stringify(record), { headers: { "content-type": "application/json" } }),
  );
  return record;
}

export type KeptState = "current" | "updated" | "removed" | "unknown";

/**
 * Compares a kept course with the server: lost access deletes the copy
 * (video keys included), a new version is downloaded, anything else (offline,
 * signed out, a server error) leaves it as it is.
 */
export async function refreshKept(
  slug: string,
  onProgress: (done: number, total: number, bytes: number) => void = () => {},
): Promise<KeptState> {
  const kept = await keptRecord(slug);
  if (!kept) return "unknown";
  try {
    const version = await serverVersion(slug);
    if (version === kept.version) return "current";
    const after = await keepBundle(await fetchBundle(slug), onProgress, { refresh: true });
    return after ? "updated" : "removed";
  } catch (err) {
    // A file refused in the middle of an update may mean access ended
    // meanwhile: ask for the version once more before keeping the old copy.
    const lost = isAccessLost(err) ||
      await serverVersion(slug).then(() => false, (e) => isAccessLost(e));
    if (!lost) return "unknown";
    await removeKept(slug);
    return "removed";
  }
}

const SWEEP_KEY = "gafus-kept-checked";
/** How often page loads check the kept courses (the `online` event always does). */
const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * `refreshKept` for every kept course, one after the other; from any page
 * (islands/AppShell.tsx), at most every few minutes unless `force` (the
 * connection came back). So a course the learner lost access to leaves the
 * device on their next visit online, even if they never open its page.
 */
export async function sweepKept(force = false): Promise<Record<string, KeptState>> {
  const out: Record<string, KeptState> = {};
  if (!offlineSupported() || navigator.onLine === false) return out;
  try {
    const last = Number(localStorage.getItem(SWEEP_KEY) ?? 0);
    if (!force && Date.now() - last < SWEEP_EVERY_MS) return out;
    localStorage.setItem(SWEEP_KEY, String(Date.now()));
  } catch { /* no localStorage: check every time */ }
  for (const r of await keptCourses()) out[r.slug] = await refreshKept(r.slug);
  return out;
}

/** "1.2 MB" with a no-break space; units come from the page's language. */
export function formatBytes(n: number, units: { kb: string; mb: string }): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)}\u00a0${units.mb}`;
  return `${Math.max(1, Math.round(n / 1024))}\u00a0${units.kb}`;
}
