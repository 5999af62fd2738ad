/**
 * Gafus service worker: shows Web Push notifications and opens the app when
 * one is clicked. It caches nothing (offline mode is not part of it), and it
 * has no fetch handler, so every request goes to the network as usual.
 *
 * Served from /sw.js, so its default scope is the whole site ("/") and no
 * Service-Worker-Allowed header is needed.
 *
 * Payload (JSON, from core/push/deliver.ts):
 *   { title, body, url, tag, kind, icon, lang }
 * `url` is a path on this site (/notifications/<id>: marks it read, then
 * redirects to what it is about).
 */
const DEFAULT_TITLE = "Гафус";
const DEFAULT_ICON = "/favicon.svg";

self.addEventListener("install", () => {
  // Nothing to precache: take over at once.
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
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
