/**
 * Gafus service worker: the app shell and offline pages, kept courses, the
 * update flow, Web Push, and the wake-up of queued offline actions.
 *
 * Served from /sw.js?v=<release> (core/paths.ts `serviceWorkerPath`), so its
 * scope is the whole site and each release is a new worker the browser
 * installs next to the running one.
 *
 * Caches (all names start with "gafus-"):
 * - `gafus-shell-<release>`: every chunk and static file by its hashed URL
 *   (/sw-precache.json), cache-first; older releases' shells are deleted
 *   when a new worker activates.
 * - `gafus-pages`: pages the signed-in learner opened (network first, this
 *   copy when the network fails) and the offline page.
 * - `gafus-course-<slug>`: a course kept offline (islands/KeepOffline.tsx
 *   fills it); its bundle version is stored under /__gafus/version. Its
 *   videos' offline files (/api/v1/videos/<id>/offline/…: the lowest
 *   rendition, its segments and key) are answered from it, never stored
 *   by this worker on its own: only the page that keeps the course puts
 *   them there, and deletes them when the learner's access ends.
 * Pages and courses belong to one user: they are deleted on logout (a POST
 * to /logout or /api/v1/auth/logout passes through here) and when a page
 * reports another user than the one they were stored for.
 *
 * A new worker waits (no skipWaiting on install) until the page's banner
 * asks it to take over ({type: "skip-waiting"}), so one page never mixes
 * two releases' files.
 *
 * Push payload (JSON, from core/push/deliver.ts):
 *   { title, body, url, tag, kind, icon, lang }
 * `url` is a path on this site (/notifications/<id>: marks it read, then
 * redirects to what it is about).
 */
const RELEASE = new URL(self.location.href).searchParams.get("v") || "dev";
const SHELL = "gafus-shell-" + RELEASE;
const PAGES = "gafus-pages";
const COURSE_PREFIX = "gafus-course-";
const KEEP_LOCK_PREFIX = "gafus-keep-";
const USER_KEY = "/__gafus/user";
const OFFLINE_URL = "/offline";
const DEFAULT_TITLE = "Гафус";
const DEFAULT_ICON = "/icons/icon-192.png";

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const res = await fetch("/sw-precache.json?v=" + encodeURIComponent(RELEASE), {
      cache: "no-store",
    });
    if (!res.ok) throw new Error("precache list: HTTP " + res.status);
    const { urls } = await res.json();
    const cache = await caches.open(SHELL);
    await cache.addAll(urls);
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(
      names.filter((n) => n.startsWith("gafus-shell-") && n !== SHELL).map((n) => caches.delete(n)),
    );
    await self.clients.claim();
  })());
});

/**
 * A kept course's cache is deleted under the lock the page's downloads hold
 * (core/offline/cache_names.ts KEEP_LOCK_PREFIX): deleted mid-download, the
 * download would put the course back, video key included.
 */
function dropCourse(name) {
  const locks = self.navigator && self.navigator.locks;
  const drop = () => caches.delete(name);
  return locks ? locks.request(KEEP_LOCK_PREFIX + name.slice(COURSE_PREFIX.length), drop) : drop();
}

/** Every per-user cache: visited pages and kept courses. */
async function clearUserCaches() {
  const names = await caches.keys();
  await Promise.all(names.map((n) => {
    if (n === PAGES) return caches.delete(n);
    return n.startsWith(COURSE_PREFIX) ? dropCourse(n) : null;
  }));
}

async function storedUser() {
  // caches.open would create the cache again right after a logout emptied it.
  const res = await caches.match(USER_KEY, { cacheName: PAGES });
  return res ? await res.text() : null;
}

/** The page says who is signed in: another user's pages and courses go first. */
async function setUser(id) {
  const before = await storedUser();
  if (before !== id) await clearUserCaches();
  if (!id) return;
  const cache = await caches.open(PAGES);
  await cache.put(USER_KEY, new Response(id));
  if (!(await cache.match(OFFLINE_URL))) {
    const res = await fetch(OFFLINE_URL, { credentials: "same-origin" }).catch(() => null);
    if (res && res.ok) await cache.put(OFFLINE_URL, res);
  }
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "skip-waiting") self.skipWaiting();
  else if (data.type === "gafus-user") {
    event.waitUntil(setUser(typeof data.id === "string" ? data.id : null));
  } else if (data.type === "gafus-clear") event.waitUntil(clearUserCaches());
});

/** Background Sync: wake the open pages so they replay the queued offline actions. */
self.addEventListener("sync", (event) => {
  if (event.tag !== "gafus-actions") return;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    for (const c of windows) c.postMessage({ type: "gafus-sync" });
  })());
});

/** A kept video's playlist, segment or key (core/video/offline.ts). */
function isKeptVideo(url) {
  return /^\/api\/v1\/videos\/[^/]+\/offline\//.test(url.pathname);
}

function isLogout(url, method) {
  return method === "POST" &&
    (url.pathname === "/logout" || url.pathname === "/api/v1/auth/logout");
}

/** A page from a kept course or the visited pages (query strings of day pages ignored). */
async function cachedPage(request) {
  const hit = await caches.match(request, { ignoreVary: true });
  if (hit) return hit;
  const url = new URL(request.url);
  return await caches.match(url.origin + url.pathname, { ignoreSearch: true, ignoreVary: true });
}

async function navigate(event) {
  const { request } = event;
  try {
    const res = await fetch(request);
    const url = new URL(request.url);
    // Only whole pages of a signed-in learner, never redirects or errors.
    if (res.ok && res.type === "basic" && !res.redirected && url.pathname !== "/logout") {
      const user = await storedUser();
      if (user) {
        const copy = res.clone();
        event.waitUntil(
          caches.open(PAGES).then((c) => c.put(url.origin + url.pathname + url.search, copy)),
        );
      }
    }
    return res;
  } catch (err) {
    const hit = await cachedPage(request);
    if (hit) return hit;
    const offline = await caches.match(OFFLINE_URL);
    if (offline) return offline;
    throw err;
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (isLogout(url, request.method)) {
    event.waitUntil(clearUserCaches());
    return;
  }
  if (request.method !== "GET") {
    // A beacon or keepalive fetch sent while its page unloads (the video
    // player's last position) was often dropped by Chromium when it fell
    // through a controlling worker; sent from here, the event keeps the
    // worker alive until the server has it (tests/browser/video_play).
    if (request.keepalive) event.respondWith(fetch(request));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(navigate(event));
    return;
  }
  if (url.pathname.startsWith("/api/") && !url.pathname.includes("/image/") && !isKeptVideo(url)) {
    return;
  }
  // Downloads that must see the server's copy (keeping a course) skip the caches.
  if (request.cache === "no-store" || request.cache === "reload") return;
  // Hashed files and kept media: the cached copy first, the network otherwise.
  event.respondWith((async () => {
    const hit = await caches.match(request, { ignoreVary: true });
    if (hit) return hit;
    return await fetch(request);
  })());
});

/** A same-origin URL for a notification's target (anything else → the home page). */
function targetUrl(raw) {
  try {
    const url = new URL(typeof raw === "string" && raw ? raw : "/", self.location.origin);
    return url.origin === self.location.origin ? url.href : self.location.origin + "/";
  } catch {
    return self.location.origin + "/";
  }
}

function readPayload(data) {
  if (!data) return {};
  try {
    const value = data.json();
    return value && typeof value === "object" ? value : {};
  } catch {
    // Not JSON: show the text as the body.
    return { body: data.text() };
  }
}

self.addEventListener("push", (event) => {
  const p = readPayload(event.data);
  const title = typeof p.title === "string" && p.title ? p.title : DEFAULT_TITLE;
  const options = {
    body: typeof p.body === "string" ? p.body : "",
    icon: typeof p.icon === "string" ? p.icon : DEFAULT_ICON,
    lang: typeof p.lang === "string" ? p.lang : undefined,
    data: { url: targetUrl(p.url) },
  };
  if (typeof p.tag === "string" && p.tag) options.tag = p.tag;
  // Every push must show a notification (userVisibleOnly), even a malformed one.
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = targetUrl(event.notification.data && event.notification.data.url);
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const ours = windows.filter((c) => new URL(c.url).origin === self.location.origin);
    // A tab already showing the page, else any tab of the app, else a new one.
    const tab = ours.find((c) => c.url === url) ?? ours.find((c) => c.focused) ?? ours[0];
    if (tab) {
      try {
        const focused = await tab.focus();
        if (tab.url !== url && "navigate" in focused) await focused.navigate(url);
        return;
      } catch {
        // An uncontrolled tab cannot be navigated from here: open a new one.
      }
    }
    await self.clients.openWindow(url);
  })());
});
