/**
 * `GET /api/v1/courses/:slug/offline`: exactly the learner's pages and files
 * with their sizes, nothing of a course they may not see, and a version that
 * follows the content (not the learner's progress).
 */
import { assert, assertEquals, assertNotEquals } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { coursePath, dayPath, offlineBundlePath } from "@/core/paths.ts";
import type { OfflineBundle } from "@/core/offline/bundle.ts";
import { editFirstStep, makeOfflineCourse } from "./helpers.ts";

Deno.test("offline bundle: the course page, the open days and their files, with sizes", async () => {
  await using t = await openTestApp();
  const c = await makeOfflineCourse(t);
  const learner = await signIn(t, "keeper");
  const res = await learner.fetch(offlineBundlePath(c.slug));
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("cache-control"), "private, no-store");
  const b = await res.json() as OfflineBundle;
  assertEquals(b.slug, c.slug);
  // The summary day is locked until the other days are done: not listed.
  assertEquals(b.files.map((f) => f.url), [
    coursePath(c.slug),
    dayPath(c.slug, c.days[0].dayOnCourseId),
    dayPath(c.slug, c.days[1].dayOnCourseId),
    c.imageUrl,
    c.pdfUrl,
  ]);
  assertEquals(b.files.find((f) => f.url === c.imageUrl)?.size, c.imageBytes);
  assertEquals(b.files.find((f) => f.url === c.pdfUrl)?.kind, "pdf");
  assertEquals(b.files.find((f) => f.url === c.pdfUrl)?.size, c.pdfBytes);
  assertEquals(b.totalBytes, b.files.reduce((a, f) => a + f.size, 0));
  assert(b.files.filter((f) => f.kind === "page").every((f) => f.size > 0));
  assertEquals(b.videos, 0);
  assertEquals(b.videoBytes, 0);
  // Every listed URL opens for this learner (what the browser will store).
  for (const f of b.files) {
    const r = await learner.fetch(f.url);
    assertEquals(r.status, 200, f.url);
    await r.body?.cancel();
  }
});

Deno.test("offline bundle: 401 for visitors, 404 for a private course the learner cannot see", async () => {
  await using t = await openTestApp();
  const open = await makeOfflineCourse(t);
  const closed = await makeOfflineCourse(t, { access: "PRIVATE" });
  const visitor = await t.fetch(offlineBundlePath(open.slug));
  assertEquals(visitor.status, 401);
  await visitor.body?.cancel();
  const outsider = await signIn(t, "outsider");
  const res = await outsider.fetch(offlineBundlePath(closed.slug));
  assertEquals(res.status, 404);
  const body = await res.text();
  assert(!body.includes(closed.days[0].dayOnCourseId), "no day of the private course leaks");
  const missing = await outsider.fetch(offlineBundlePath("no-such-course"));
  assertEquals(missing.status, 404);
  await missing.body?.cancel();
});

Deno.test("offline bundle: the version changes with the content, not with a re-read", async () => {
  await using t = await openTestApp();
  const c = await makeOfflineCourse(t);
  const learner = await signIn(t, "versions");
  const version = async () => {
    const r = await learner.fetch(offlineBundlePath(c.slug) + "?version");
    assertEquals(r.status, 200);
    const body = await r.json() as { slug: string; version: string };
    assertEquals(Object.keys(body).sort(), ["slug", "version"]);
    return body.version;
  };
  const v1 = await version();
  assertEquals(await version(), v1);
  const full = await (await learner.fetch(offlineBundlePath(c.slug))).json() as OfflineBundle;
  assertEquals(full.version, v1);
  await editFirstStep(t, c, "Смотрите на уши и хвост.");
  const v2 = await version();
  assertNotEquals(v2, v1);
  // A new file changes it too.
  await t.services.storage.put(c.imageUrl.slice("/media/".length), new Uint8Array(500), {
    contentType: "image/png",
  });
  assertNotEquals(await version(), v2);
});
