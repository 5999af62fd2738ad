/**
 * Browser side of kept courses (islands KeepOffline and KeptCourses; the
 * service worker reads the same caches): one Cache Storage cache per course,
 * `gafus-course-<slug>`, holding every URL of its bundle and a small JSON
 * record of what was kept under `/__gafus/version`.
 *
 * Runs only in the browser; no server imports (type imports only).
 */
import type { OfflineBundle } from "./bundle.ts";
import { offlineBundlePath } from "../paths.ts";

export const COURSE_CACHE_PREFIX = "gafus-course-";
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
  if (!(await caches.has(courseCacheName(slug)))) return null;
  const cache = await caches.open(courseCacheName(slug));
  const res = await cache.match(RECORD_URL);
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

export async function removeKept(slug: string): Promise<void> {
  await caches.delete(courseCacheName(slug));
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, {
    headers: { accept: "application/json" },
    credentials: "same-origin",
    cache: "no-store",
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
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
 * Downloads every file of `bundle` into the course's cache (a few at a time),
 * reporting each one done; then drops what the new bundle no longer lists
 * and writes the record. A failed file fails the whole keep, so a course is
 * never shown as kept with holes in it.
 */
export async function keepBundle(
  bundle: OfflineBundle,
  onProgress: (done: number, total: number, bytes: number) => void,
): Promise<KeptRecord> {
  const cache = await caches.open(courseCacheName(bundle.slug));
  const urls = bundle.files.map((f) => f.url);
  let done = 0;
  let bytes = 0;
  let next = 0;
  const worker = async () => {
    while (next < urls.length) {
      const url = urls[next++];
      const res = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      if (!res.ok || res.redirected) throw new Error(`${url}: HTTP ${res.status}`);
      const blob = await res.blob();
      bytes += blob.size;
      await cache.put(url, new Response(blob, { status: 200, headers: res.headers }));
      onProgress(++done, urls.length, bytes);
    }
  };
  await Promise.all([worker(), worker(), worker()]);
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

/** "1.2 MB" with a no-break space; units come from the page's language. */
export function formatBytes(n: number, units: { kb: string; mb: string }): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)}\u00a0${units.mb}`;
  return `${Math.max(1, Math.round(n / 1024))}\u00a0${units.kb}`;
}
