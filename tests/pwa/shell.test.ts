/**
 * The installable app's files: the manifest and its PNG icons (real sizes),
 * the precache list against the build's meta.json, the versioned service
 * worker URL on signed-in pages, the worker's Background Sync hand-off, and
 * the offline page.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import type { BuildMeta } from "@/framework/assets.ts";
import { serviceWorkerPath } from "@/core/paths.ts";
import { makeOfflineCourse } from "./helpers.ts";

const root = new URL("../../", import.meta.url);

/** Width and height from a PNG's IHDR chunk (after the 8-byte signature). */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  assertEquals([...bytes.slice(0, 8)], sig, "PNG signature");
  assertEquals(new TextDecoder().decode(bytes.slice(12, 16)), "IHDR");
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

interface Manifest {
  name: string;
  start_url: string;
  scope: string;
  display: string;
  theme_color: string;
  background_color: string;
  icons: { src: string; sizes: string; type: string; purpose?: string }[];
  shortcuts: { name: string; url: string }[];
}

Deno.test("manifest: installable, with PNG icons of the sizes it claims and shortcuts", async () => {
  await using t = await openTestApp();
  const res = await t.fetch("/manifest.webmanifest");
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "application/manifest+json");
  const m = await res.json() as Manifest;
  assertEquals(m.display, "standalone");
  assertEquals(m.scope, "/");
  assert(m.start_url.startsWith("/courses"));
  assert(/^#[0-9a-f]{6}$/i.test(m.theme_color) && /^#[0-9a-f]{6}$/i.test(m.background_color));
  const pngs = m.icons.filter((i) => i.type === "image/png");
  const want = [["192x192", "any"], ["512x512", "any"], ["512x512", "maskable"]];
  for (const [sizes, purpose] of want) {
    const icon = pngs.find((i) => i.sizes === sizes && (i.purpose ?? "any") === purpose);
    assert(icon, `a ${purpose} icon ${sizes}`);
    const r = await t.fetch(icon.src);
    assertEquals(r.status, 200, icon.src);
    assertEquals(r.headers.get("content-type"), "image/png");
    const { width, height } = pngSize(new Uint8Array(await r.arrayBuffer()));
    assertEquals(`${width}x${height}`, sizes, icon.src);
  }
  const shortcuts = m.shortcuts.map((s) => s.url);
  assert(shortcuts.some((u) => u.startsWith("/courses")), "my courses");
  assert(shortcuts.includes("/notifications"), "notifications");
});

Deno.test("precache list: every chunk and static file of the build, by hashed URL, all served", async () => {
  await using t = await openTestApp();
  const meta = JSON.parse(
    await Deno.readTextFile(new URL("_fresh/meta.json", root)),
  ) as BuildMeta;
  const res = await t.fetch("/sw-precache.json");
  assertEquals(res.status, 200);
  const { release, urls } = await res.json() as { release: string; urls: string[] };
  assert(/^[0-9a-f]{16}$/.test(release));
  const chunks = Object.keys(meta.sizes).map((f) => `/_fresh/js/${f}`).sort();
  assertEquals(urls.filter((u) => u.startsWith("/_fresh/js/")).sort(), chunks);
  const statics = Object.entries(meta.static)
    .filter(([p]) => p !== "/sw.js" && p !== "/robots.txt")
    .map(([p, e]) => `${p}?v=${e.hash}`).sort();
  assertEquals(urls.filter((u) => !u.startsWith("/_fresh/js/")).sort(), statics);
  assert(urls.some((u) => u.startsWith("/icons/icon-512.png?v=")));
  assert(urls.some((u) => u.startsWith("/styles.css?v=")));
  for (const u of urls) {
    const r = await t.fetch(u);
    assertEquals(r.status, 200, u);
    await r.body?.cancel();
  }
});

Deno.test("service worker: versioned URL on signed-in pages with islands; sync wakes the pages", async () => {
  await using t = await openTestApp();
  const { release } = await (await t.fetch("/sw-precache.json")).json() as { release: string };
  const learner = await signIn(t, "shell_user");
  const html = await (await learner.fetch("/courses")).text();
  assertStringIncludes(html, `frsh:island:AppShell`);
  assertStringIncludes(html, `<meta name="gafus-release" content="${release}"`);
  // A page without islands stays without JavaScript: the worker rides on the others.
  const plain = await (await learner.fetch("/notifications")).text();
  assert(!plain.includes("/_fresh/js/"), "the notifications list ships no JavaScript");
  const visitorHtml = await (await t.fetch("/courses")).text();
  assert(!visitorHtml.includes("frsh:island:AppShell"), "visitors get no worker");
  const sw = await t.fetch(serviceWorkerPath(release));
  assertEquals(sw.status, 200);
  const code = await sw.text();
  // The offline-actions slice listens for exactly this message.
  assertStringIncludes(code, 'self.addEventListener("sync"');
  assertStringIncludes(code, 'event.tag !== "gafus-actions"');
  assertStringIncludes(code, 'postMessage({ type: "gafus-sync" })');
  // A new worker waits for the user's click instead of taking over on install.
  assertEquals(code.match(/skipWaiting\(\)/g)?.length, 1);
  assertStringIncludes(code, '"skip-waiting"');
});

Deno.test("offline page and the keep-offline island: for the learner only", async () => {
  await using t = await openTestApp();
  const c = await makeOfflineCourse(t);
  const learner = await signIn(t, "offline_page");
  const offline = await learner.fetch("/offline");
  assertEquals(offline.status, 200);
  const text = await offline.text();
  assertStringIncludes(text, "Нет подключения к интернету");
  assertStringIncludes(text, "frsh:island:KeptCourses");
  const course = await (await learner.fetch(`/courses/${c.slug}`)).text();
  assertStringIncludes(course, "frsh:island:KeepOffline");
  const settings = await (await learner.fetch("/settings")).text();
  assertStringIncludes(settings, 'href="/offline"');
  const visitor = await (await t.fetch(`/courses/${c.slug}`)).text();
  assert(!visitor.includes("frsh:island:KeepOffline"), "the shared visitor page has no button");
});
