/**
 * The studio's JavaScript budget: the step editor (with the live Markdown
 * preview) and the day and course editors (with drag-and-drop reordering)
 * each ship at most 30 KB gzip of JavaScript, counted from the build's meta
 * (`_fresh/meta.json`, written by `deno task build`, which `deno task test`
 * runs first) over every script the page loads: the boot module and what it
 * imports, and the preloaded chunks. The same count as `bench/run.ts`.
 */
import { openTestApp } from "../helpers/app.ts";
import { postForm, signIn } from "../helpers/session.ts";
import { assert, assertEquals } from "../helpers/assert.ts";

const BUDGET = 30 * 1024;
const root = new URL("../../", import.meta.url).pathname;

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());
const anna = await signIn(t, "anna", "TRAINER");

interface Meta {
  sizes: Record<string, { raw: number; gzip: number }>;
  islands: Record<string, { name: string; chunk: string }>;
  runtime: string;
}
const meta = JSON.parse(await Deno.readTextFile(`${root}_fresh/meta.json`)) as Meta;

/** The page's scripts (file names under /_fresh/js/) and their gzip bytes in total. */
async function pageJs(path: string): Promise<{ files: string[]; gzip: number }> {
  const res = await anna.fetch(path);
  assertEquals(res.status, 200, path);
  const html = await res.text();
  const files = [...new Set([...html.matchAll(/\/_fresh\/js\/([\w.-]+\.js)/g)].map((m) => m[1]))];
  let gzip = 0;
  for (const f of files) {
    const size = meta.sizes[f];
    assert(size, `${f} is in the build's meta (run deno task build)`);
    gzip += size.gzip;
  }
  return { files, gzip };
}

function chunkOf(island: string): string {
  const entry = Object.values(meta.islands).find((i) => i.name === island);
  assert(entry, `island ${island} is built`);
  return entry.chunk;
}

async function created(res: Response): Promise<string> {
  await res.body?.cancel();
  assertEquals(res.status, 303);
  return res.headers.get("location")!.split("/")[3].split("?")[0];
}

const step = await created(
  await postForm(t, anna, "/studio/steps/new", {
    title: "Сидеть",
    type: "THEORY",
    description: "**Текст**",
  }),
);
const day = await created(
  await postForm(t, anna, "/studio/days/new", { title: "День", type: "regular" }),
);
await postForm(t, anna, `/studio/days/${day}`, { _action: "add", stepId: step });
const course = await created(
  await postForm(t, anna, "/studio/courses/new", {
    name: "Курс",
    level: "BEGINNER",
    access: "PUBLIC",
  }),
);
await postForm(t, anna, `/studio/courses/${course}`, { _action: "add", dayId: day });

for (
  const [page, path, island] of [
    ["the step editor (live preview)", `/studio/steps/${step}`, "MarkdownPreview"],
    ["a new step (live preview)", "/studio/steps/new", "MarkdownPreview"],
    ["the day editor (reordering)", `/studio/days/${day}`, "ReorderList"],
    ["the course editor (reordering)", `/studio/courses/${course}`, "ReorderList"],
  ] as const
) {
  Deno.test(`${page} ships at most 30 KB gzip of JavaScript`, async () => {
    const js = await pageJs(path);
    // The island is really on the page: a budget over no script would prove nothing.
    assert(js.files.includes(chunkOf(island)), `${island} is loaded by ${path}`);
    assert(js.files.includes(meta.runtime), "the island runtime is counted");
    assert(js.gzip <= BUDGET, `${path}: ${js.gzip} B gzip > ${BUDGET} B (${js.files.join(", ")})`);
  });
}
