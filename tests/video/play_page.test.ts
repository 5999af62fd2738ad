/**
 * The player on the learner's day page: a step with a READY video shows the
 * poster button (accessible name, poster through the access-checked route)
 * and loads the player island, but not hls.js (a separate chunk fetched on
 * play); a day without a video ships exactly the scripts it did before, and
 * a video still processing shows nothing. Counted from the build's meta
 * (`deno task build` first), like tests/studio/js_budget.test.ts.
 */
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { dayUrl, makeCourse } from "../training/helpers.ts";
import { addReadyVideo, useVideoInStep } from "./play_helpers.ts";
import { invalidateCourses } from "@/core/courses/cache.ts";
import { videoImagePath } from "@/core/paths.ts";

/** The day page's budget (bench/learn.ts): 20 KB gzip. */
const BUDGET = 20 * 1024;
const root = new URL("../../", import.meta.url).pathname;

interface Meta {
  sizes: Record<string, { raw: number; gzip: number }>;
  islands: Record<string, { name: string; chunk: string }>;
  runtime: string;
  deps: Record<string, string[]>;
}
const meta = JSON.parse(await Deno.readTextFile(`${root}_fresh/meta.json`)) as Meta;
const playerChunk = Object.values(meta.islands).find((i) => i.name === "VideoPlayer")!.chunk;
// hls.js is by far the largest file of the build (≈ 190 KB gzip).
const hlsChunk = Object.entries(meta.sizes).filter(([f]) => f.endsWith(".js"))
  .sort((a, b) => b[1].gzip - a[1].gzip)[0][0];

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());
const coach = await signIn(t, "coach", "TRAINER");
const lena = await signIn(t, "lena");

function pageJs(html: string): { files: string[]; gzip: number } {
  const files = [...new Set([...html.matchAll(/\/_fresh\/js\/([\w.-]+\.js)/g)].map((m) => m[1]))];
  let gzip = 0;
  for (const f of files) gzip += meta.sizes[f]?.gzip ?? 0;
  return { files, gzip };
}

Deno.test("day page: a READY video shows the poster button and the player, not hls.js", async () => {
  assert(meta.sizes[hlsChunk].gzip > 50 * 1024, "the hls.js chunk is found");
  assert(
    !meta.deps[playerChunk].includes(hlsChunk),
    "the island does not import hls.js statically",
  );
  const course = await makeCourse(t, {
    author: "coach",
    days: [{ steps: [{ type: "THEORY", title: "Смотрим видео" }] }],
  });
  const before = await (await lena.fetch(dayUrl(course))).text();
  const without = pageJs(before);
  assert(!without.files.includes(playerChunk), "no player without a video");

  const { videoId } = await addReadyVideo(t, coach.id);
  await useVideoInStep(t, course.days[0].stepIds[0], videoId);
  invalidateCourses(t.services);
  const html = await (await lena.fetch(dayUrl(course))).text();
  const js = pageJs(html);
  assert(js.files.includes(playerChunk), "the player island is on the page");
  assert(!js.files.includes(hlsChunk), "hls.js is not loaded with the page");
  assert(js.gzip <= BUDGET, `${js.gzip} B gzip > ${BUDGET} B`);
  assertStringIncludes(html, 'aria-label="Смотреть видео «Смотрим видео»"');
  assertStringIncludes(html, `src="${videoImagePath(videoId, "poster")}"`);

  // The same day without the video ships the same scripts as before.
  await t.services.db.updateTable("steps").set({ video_id: null })
    .where("id", "=", course.days[0].stepIds[0]).execute();
  invalidateCourses(t.services);
  const after = pageJs(await (await lena.fetch(dayUrl(course))).text());
  assertEquals(after.files.sort(), without.files.sort());
});

Deno.test("day page: a video still processing shows no player", async () => {
  const course = await makeCourse(t, {
    author: "coach",
    days: [{ steps: [{ type: "THEORY", title: "Скоро" }] }],
  });
  const { videoId } = await addReadyVideo(t, coach.id);
  await t.services.db.updateTable("videos").set({ status: "PROCESSING" })
    .where("id", "=", videoId).execute();
  await useVideoInStep(t, course.days[0].stepIds[0], videoId);
  invalidateCourses(t.services);
  const html = await (await lena.fetch(dayUrl(course))).text();
  assert(!pageJs(html).files.includes(playerChunk));
  assert(!html.includes(videoImagePath(videoId, "poster")));
});

Deno.test("course page: the presentation video plays for a signed-in learner, visitors get the page without it", async () => {
  const course = await makeCourse(t, {
    author: "coach",
    days: [{ steps: [{ type: "THEORY", title: "Первый шаг" }] }],
  });
  const { videoId } = await addReadyVideo(t, coach.id);
  await t.services.db.updateTable("courses").set({ video_id: videoId })
    .where("id", "=", course.courseId).execute();
  invalidateCourses(t.services);
  const html = await (await lena.fetch(`/courses/${course.slug}`)).text();
  assert(pageJs(html).files.includes(playerChunk), "the player island is on the course page");
  assertStringIncludes(html, `src="${videoImagePath(videoId, "poster")}"`);
  const visitor = await (await t.fetch(`/courses/${course.slug}`)).text();
  assert(!visitor.includes(videoImagePath(videoId, "poster")), "no player for visitors");
});
