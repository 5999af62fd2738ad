/**
 * Icons are inline SVG, not emoji: emoji show as empty boxes where no emoji
 * font is installed. The pages that drew them (a private course card, the
 * course outline with a locked day, the locked day itself, reviews, the
 * favourites tab, /achievements) carry no emoji code point in their markup,
 * every SVG is hidden from screen readers, and an icon that means something
 * on its own has a text alternative.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { completeDay, makeCourse, setCourseStatus } from "../catalogue/fixtures.ts";
import { parseHTML } from "linkedom";

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());
const db = t.services.db;

const author = await signIn(t, "icon_author", "TRAINER");
const learner = await signIn(t, "icon_learner");
const course = await makeCourse(db, {
  slug: "quiet-secret",
  name: "Тихий закрытый курс",
  access: "PRIVATE",
  authorId: author.id,
  avgRating: 4.4,
  reviewCount: 3,
  days: [
    { title: "Первый день", steps: [{ type: "PRACTICE" }] },
    { title: "Второй день", steps: [{ type: "PRACTICE" }] },
    { title: "Итоги", type: "summary", steps: [{ type: "PRACTICE" }] },
  ],
});
await db.insertInto("course_access").values({
  course_id: course.id,
  user_id: learner.id,
  granted_by: author.id,
}).execute();
await completeDay(db, learner.id, course.days[0], { activeSeconds: 900 });
await setCourseStatus(db, learner.id, course.id, "IN_PROGRESS", new Date(), null);

const EMOJI = /[\u{1F300}-\u{1FAFF}\u{2600}-\u{27BF}]/gu;

async function pageOf(path: string, status = 200) {
  const r = await learner.fetch(path);
  assertEquals(r.status, status, path);
  const html = await r.text();
  return { html, document: parseHTML(html).document };
}

/** Every icon is hidden from assistive technology (the text beside it, or its label, speaks). */
function assertIconsHidden(document: Document, path: string) {
  for (const svg of document.querySelectorAll("svg.icon")) {
    assertEquals(svg.getAttribute("aria-hidden"), "true", `${path}: ${svg.getAttribute("class")}`);
  }
  // The icon module's SVGs are also out of the tab order (old Edge and IE focus SVGs).
  for (const svg of document.querySelectorAll('svg[class*="icon--"]')) {
    assertEquals(svg.getAttribute("focusable"), "false", `${path}: ${svg.getAttribute("class")}`);
  }
}

const PAGES = [
  "/courses",
  "/courses?tab=favorites",
  "/courses/quiet-secret",
  "/courses/quiet-secret/reviews",
  "/achievements",
];

Deno.test("pages that drew emoji icons have no emoji code point left and hide their icons", async () => {
  for (const path of PAGES) {
    const { html, document } = await pageOf(path);
    assertEquals(html.match(EMOJI), null, `${path} has emoji`);
    assertIconsHidden(document, path);
  }
  const dayPath = `/courses/quiet-secret/days/${course.days[2].dayOnCourseId}`;
  const { html, document } = await pageOf(dayPath, 403);
  assertEquals(html.match(EMOJI), null, `${dayPath} has emoji`);
  assertIconsHidden(document, dayPath);
  assert(document.querySelector(".notice h2 svg.icon--lock"), "the locked day shows a lock");
});

Deno.test("the private-course badge is a lock beside the words 'Закрытый курс'", async () => {
  for (const path of ["/courses", "/courses/quiet-secret"]) {
    const { document } = await pageOf(path);
    const badge = document.querySelector(".badge--private")!;
    assert(badge.querySelector("svg.icon--lock"), `${path}: no lock`);
    assertEquals(badge.textContent!.trim(), "Закрытый курс");
  }
});

Deno.test("a locked day in the outline has a lock with the text 'Закрыт' for screen readers", async () => {
  const { document } = await pageOf("/courses/quiet-secret");
  const items = [...document.querySelectorAll(".day-item__title")];
  const locked = items.filter((i) => i.querySelector("svg.icon--lock"));
  assertEquals(locked.map((i) => i.textContent!.includes("Итоги")), [true]);
  const alt = locked[0].querySelector("svg.icon--lock + .visually-hidden");
  assertEquals(alt?.textContent, "Закрыт");
});

Deno.test("the star rating is five SVG stars named by the rating", async () => {
  const { document } = await pageOf("/courses/quiet-secret");
  const stars = document.querySelector(".stars[role=img]")!;
  assertStringIncludes(stars.getAttribute("aria-label")!, "4.4");
  assertEquals(stars.querySelectorAll("svg.icon--star").length, 5);
  assertEquals(stars.querySelectorAll("svg.stars__off").length, 1);
});

Deno.test("each award on /achievements has an SVG picture and its name as text", async () => {
  const { document } = await pageOf("/achievements");
  const awards = [...document.querySelectorAll("[data-achievement]")];
  assertEquals(awards.length, 13);
  for (const a of awards) {
    assert(a.querySelector(".award__icon svg.icon"), a.getAttribute("data-achievement")!);
    assert(a.querySelector(".award__title")!.textContent!.trim().length > 0);
  }
  // Every award has a picture of its own.
  const names = new Set(
    awards.map((a) => a.querySelector(".award__icon svg")!.getAttribute("class")),
  );
  assertEquals(names.size, 13);
  const earned = document.querySelector('[data-achievement="firstStep"] .award__state')!;
  assert(earned.querySelector("svg.icon--check"));
  assertEquals(earned.textContent!.trim(), "Получено");
});
