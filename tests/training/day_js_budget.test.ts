/**
 * The learner's day page ships at most 20 KB gzip of JavaScript (bench/learn.ts,
 * bench/RESULTS.md): what a learner needs to see and act on the page, with what
 * is used only now and then (the exam's video recorder, the kept-course UI,
 * the install prompt, the offline queue's IndexedDB code, hls.js) fetched at
 * first use. Both the demo day (timer, theory, diary) and a day with every step
 * type are counted: the sum of the gzip sizes of every script the page names,
 * read from the build's meta (`deno task build` first), like
 * tests/video/play_page.test.ts.
 */
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { assert } from "../helpers/assert.ts";
import { seedDemo } from "@/core/demo/seed.ts";
import { dayUrl, makeCourse } from "./helpers.ts";
import { addReadyVideo, useVideoInStep } from "../video/play_helpers.ts";
import { invalidateCourses } from "@/core/courses/cache.ts";

/** The day page's budget (bench/learn.ts): 20 KB gzip. */
const BUDGET = 20 * 1024;
const root = new URL("../../", import.meta.url).pathname;

interface Meta {
  sizes: Record<string, { raw: number; gzip: number }>;
  islands: Record<string, { name: string; chunk: string }>;
}
const meta = JSON.parse(await Deno.readTextFile(`${root}_fresh/meta.json`)) as Meta;

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());
await seedDemo(t.services.db, { print: () => {} });
const coach = await signIn(t, "coach", "TRAINER");
const learner = await signIn(t, "learner");

/** Every script the page names (entry chunks and their modulepreloads) with its gzip size. */
function pageJs(html: string): { files: [string, number][]; gzip: number } {
  const names = [...new Set([...html.matchAll(/\/_fresh\/js\/([\w.-]+\.js)/g)].map((m) => m[1]))];
  const files = names.map((f): [string, number] => [f, meta.sizes[f]?.gzip ?? 0]);
  return { files, gzip: files.reduce((a, [, g]) => a + g, 0) };
}

function describe(js: { files: [string, number][]; gzip: number }): string {
  const owner = (f: string) =>
    Object.values(meta.islands).filter((i) => i.chunk === f).map((i) => i.name).join(",");
  return `${js.gzip} B gzip:\n` + js.files.sort((a, b) => b[1] - a[1])
    .map(([f, g]) => `  ${String(g).padStart(6)}  ${f} ${owner(f)}`).join("\n");
}

async function check(url: string, label: string): Promise<void> {
  const res = await learner.fetch(url);
  assert(res.status === 200, `${label}: ${res.status}`);
  const js = pageJs(await res.text());
  if (Deno.env.get("DAY_JS_REPORT")) console.log(`${label}: ${describe(js)}`);
  assert(js.gzip <= BUDGET, `${label} ships ${describe(js)}\nover ${BUDGET} B`);
}

Deno.test("day page JS budget: the demo day (timer, theory, diary) stays within 20 KB gzip", async () => {
  const day = await t.services.db.selectFrom("day_on_course as dc")
    .innerJoin("courses as c", "c.id", "dc.course_id")
    .select("dc.id").where("c.slug", "=", "eto-baza").where("dc.position", "=", 2)
    .executeTakeFirstOrThrow();
  await check(`/courses/eto-baza/days/${day.id}`, "demo day");
});

Deno.test("day page JS budget: a day with every step type stays within 20 KB gzip", async () => {
  const course = await makeCourse(t, {
    author: "coach",
    days: [{
      steps: [
        { type: "THEORY", title: "Теория", checklistItems: ["Прочитать"] },
        { type: "TRAINING", durationSec: 60 },
        { type: "BREAK", durationSec: 30 },
        { type: "PRACTICE", checklistItems: ["Сидеть", "Лежать"] },
        { type: "DIARY" },
        {
          type: "EXAMINATION",
          checklist: [{ id: "q1", question: "Сколько?", options: ["1", "2"], correctIndex: 1 }],
          requiresWritten: true,
          requiresVideo: true,
        },
        { type: "THEORY", title: "Видео" },
      ],
    }],
  });
  const { videoId } = await addReadyVideo(t, coach.id);
  await useVideoInStep(t, course.days[0].stepIds[6], videoId);
  invalidateCourses(t.services);
  await check(dayUrl(course), "day with every step type");
});
