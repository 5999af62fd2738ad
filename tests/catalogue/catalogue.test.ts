/**
 * The catalogue as a GET form: tabs, level / progress / rating filters,
 * sorts and search (Russian and English, case-insensitive, ё = е). The
 * server renders every card of the tab and hides the ones the filters drop
 * (so the island can show them again); the JSON API applies the same query.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { allCards, completeDay, makeCourse, setCourseStatus, visibleCards } from "./fixtures.ts";
import { readCatalogueQuery, searchWords } from "@/core/courses/catalogue.ts";
import { matchesSearch } from "@/core/courses/search.ts";

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());
const db = t.services.db;

const trainer = await signIn(t, "kinolog", "TRAINER");
await db.updateTable("user_profiles").set({ full_name: "Мария Ёлкина" })
  .where("user_id", "=", trainer.id).execute();
const learner = await signIn(t, "learner1");
const other = await signIn(t, "learner2");

const day = (n: number) => new Date(Date.UTC(2026, 0, n));
const alpha = await makeCourse(db, {
  slug: "alpha",
  name: "Ёжик и поводок",
  level: "BEGINNER",
  avgRating: 4.5,
  reviewCount: 10,
  publishedAt: day(1),
  description: "Учимся ходить на провисшем поводке без рывков.",
  authorId: trainer.id,
  days: [{ steps: [{ type: "PRACTICE" }] }, { steps: [{ type: "PRACTICE" }] }],
});
const beta = await makeCourse(db, {
  slug: "beta",
  name: "Beta Recall",
  level: "INTERMEDIATE",
  avgRating: 3.2,
  reviewCount: 2,
  publishedAt: day(3),
  shortDescription: "Come when called, every time",
  authorId: trainer.id,
  days: [{}, {}, {}, {}].map(() => ({ steps: [{ type: "PRACTICE" as const }] })),
});
await makeCourse(db, {
  slug: "gamma",
  name: "Вежливые встречи",
  level: "ADVANCED",
  avgRating: null,
  publishedAt: day(2),
  authorId: trainer.id,
});
const delta = await makeCourse(db, {
  slug: "delta",
  name: "Апорт для начинающих",
  level: "BEGINNER",
  avgRating: 2.5,
  reviewCount: 4,
  publishedAt: day(4),
  authorId: trainer.id,
});

// learner1: alpha completed (2/2), beta in progress (1/4), delta favourite.
await completeDay(db, learner.id, alpha.days[0]);
await completeDay(db, learner.id, alpha.days[1]);
await setCourseStatus(db, learner.id, alpha.id, "COMPLETED");
await completeDay(db, learner.id, beta.days[0]);
await setCourseStatus(db, learner.id, beta.id, "IN_PROGRESS");
await db.insertInto("favorites").values({ user_id: learner.id, course_id: delta.id }).execute();

const html = async (path: string, who = learner) => await (await who.fetch(path)).text();

Deno.test("newest first by default; every course of the tab is on the page", async () => {
  const page = await html("/courses");
  assertEquals(visibleCards(page), [
    "Апорт для начинающих",
    "Beta Recall",
    "Вежливые встречи",
    "Ёжик и поводок",
  ]);
});

Deno.test("each sort orders the list as named", async () => {
  assertEquals(visibleCards(await html("/courses?sort=name")), [
    "Апорт для начинающих",
    "Вежливые встречи",
    "Ёжик и поводок",
    "Beta Recall",
  ]);
  // Rated courses by rating; the unrated one last.
  assertEquals(visibleCards(await html("/courses?sort=rating")), [
    "Ёжик и поводок",
    "Beta Recall",
    "Апорт для начинающих",
    "Вежливые встречи",
  ]);
  // Completed (100 %), then 25 %, then the untouched ones newest first.
  assertEquals(visibleCards(await html("/courses?sort=progress")), [
    "Ёжик и поводок",
    "Beta Recall",
    "Апорт для начинающих",
    "Вежливые встречи",
  ]);
});

Deno.test("the level filter keeps only that level and hides the rest", async () => {
  const page = await html("/courses?level=BEGINNER");
  assertEquals(visibleCards(page), ["Апорт для начинающих", "Ёжик и поводок"]);
  assertEquals(allCards(page).length, 4, "hidden cards stay for the island");
  assertStringIncludes(page, "Найдено 2\u00a0курса");
  assertMatch(page, /<option selected value="BEGINNER">/);
});

Deno.test("the rating filter: 4+, 3+ and any rated", async () => {
  assertEquals(visibleCards(await html("/courses?rating=4")), ["Ёжик и поводок"]);
  assertEquals(visibleCards(await html("/courses?rating=3")), ["Beta Recall", "Ёжик и поводок"]);
  assertEquals(visibleCards(await html("/courses?rating=any")), [
    "Апорт для начинающих",
    "Beta Recall",
    "Ёжик и поводок",
  ]);
});

Deno.test("the progress filter follows the learner's own progress", async () => {
  assertEquals(visibleCards(await html("/courses?status=COMPLETED")), ["Ёжик и поводок"]);
  assertEquals(visibleCards(await html("/courses?status=IN_PROGRESS")), ["Beta Recall"]);
  assertEquals(visibleCards(await html("/courses?status=NOT_STARTED")), [
    "Апорт для начинающих",
    "Вежливые встречи",
  ]);
  // Another learner has started nothing.
  assertEquals(visibleCards(await html("/courses?status=IN_PROGRESS", other)), []);
  assertStringIncludes(
    await html("/courses?status=IN_PROGRESS", other),
    "Нет курсов с такими условиями.",
  );
});

Deno.test("filters combine", async () => {
  assertEquals(visibleCards(await html("/courses?level=BEGINNER&rating=3")), ["Ёжик и поводок"]);
  assertEquals(visibleCards(await html("/courses?level=BEGINNER&status=NOT_STARTED")), [
    "Апорт для начинающих",
  ]);
});

Deno.test("cards show progress as days and a bar", async () => {
  const page = await html("/courses");
  assertStringIncludes(page, "1 из 4\u00a0дней");
  assertStringIncludes(page, "2 из 2\u00a0дней");
  assertMatch(page, /<progress max="4" value="1"/);
  assert(!(await html("/courses", other)).includes("<progress"), "no progress for a new learner");
});

Deno.test("tabs: in progress and favourites, each with its count", async () => {
  const progress = await html("/courses?tab=progress");
  assertEquals(visibleCards(progress), ["Beta Recall"]);
  assertMatch(progress, /aria-current="page">В процессе<span class="tabs__count">1<\/span>/);
  assertStringIncludes(progress, '<input type="hidden" name="tab" value="progress"/>');
  assertEquals(visibleCards(await html("/courses?tab=favorites")), ["Апорт для начинающих"]);
  const empty = await html("/courses?tab=favorites", other);
  assertStringIncludes(empty, "В избранном пока пусто");
});

Deno.test("visitors get no progress filter or sort, and a sign-in prompt on personal tabs", async () => {
  const anon = await (await t.fetch("/courses?status=COMPLETED&sort=progress")).text();
  assertEquals(visibleCards(anon).length, 4, "a progress filter means nothing to a visitor");
  assert(!anon.includes('name="status"'));
  assert(!anon.includes('value="progress"'));
  const tab = await (await t.fetch("/courses?tab=favorites")).text();
  assertStringIncludes(tab, "Войдите, чтобы видеть свой прогресс");
  assertEquals(allCards(tab), []);
});

Deno.test("search is case-insensitive in Russian and English, with ё equal to е", async () => {
  for (const q of ["ЁЖИК", "ежик", "ёжик", "Ежик"]) {
    assertEquals(visibleCards(await html(`/courses?q=${encodeURIComponent(q)}`)), [
      "Ёжик и поводок",
    ], q);
  }
  assertEquals(visibleCards(await html("/courses?q=RECALL")), ["Beta Recall"]);
  // Short and full descriptions, and the author's name.
  assertEquals(visibleCards(await html("/courses?q=come%20CALLED")), ["Beta Recall"]);
  assertEquals(visibleCards(await html(`/courses?q=${encodeURIComponent("ПРОВИСШЕМ")}`)), [
    "Ёжик и поводок",
  ]);
  assertEquals(visibleCards(await html(`/courses?q=${encodeURIComponent("елкина")}`)).length, 4);
  const none = await html("/courses?q=zzzz");
  assertEquals(visibleCards(none), []);
  assertStringIncludes(none, "По запросу «zzzz» ничего не нашлось.");
});

Deno.test("the word list the cards carry matches exactly like the full text", () => {
  const parts = ["Спокойная прогулка", "на провисшем   поводке, без рывков", "Ёлкина"];
  const words = searchWords(parts);
  const full = parts.join(" ").toLocaleLowerCase("ru").replaceAll("ё", "е");
  for (const q of ["прогулка", "поводке,", "ВИСШ", "ёлк", "без рыв", "прогулка поводке", "xyz"]) {
    assertEquals(matchesSearch(words, q), matchesSearch(full, q), q);
  }
  assert(words.length < full.length + 1);
});

Deno.test("bad filter values: the page ignores them, the API answers 400 naming the field", async () => {
  const page = await learner.fetch("/courses?level=NOPE&sort=sideways&rating=9");
  assertEquals(page.status, 200);
  assertEquals(visibleCards(await page.text()).length, 4);
  assertEquals(readCatalogueQuery(new URLSearchParams("level=NOPE&q=x")).filters.q, "x");
  const api = await learner.fetch("/api/v1/courses?level=NOPE");
  assertEquals(api.status, 400);
  const body = await api.json();
  assertEquals(body.error, "invalid");
  assert(body.fields.level, JSON.stringify(body));
});

Deno.test("the JSON API applies the same filters, sort and tabs", async () => {
  const slugs = async (q: string, who = learner) =>
    (await (await who.fetch(`/api/v1/courses${q}`)).json()).courses.map((c: { slug: string }) =>
      c.slug
    );
  assertEquals(await slugs("?level=BEGINNER&sort=name"), ["delta", "alpha"]);
  assertEquals(await slugs("?rating=3&sort=rating"), ["alpha", "beta"]);
  assertEquals(await slugs("?tab=favorites"), ["delta"]);
  assertEquals(await slugs(`?q=${encodeURIComponent("ЁЖИК")}`), ["alpha"]);
  const body = await (await learner.fetch("/api/v1/courses?q=beta")).json();
  assertEquals(body.courses[0].progress, { status: "IN_PROGRESS", completedDays: 1, totalDays: 4 });
  assertEquals(body.courses[0].favorite, false);
  // Personal tabs need a session.
  assertEquals((await t.fetch("/api/v1/courses?tab=favorites")).status, 401);
  const anon = await (await t.fetch("/api/v1/courses")).json();
  assert(!("progress" in anon.courses[0]), "no per-user fields for visitors");
});

Deno.test("progress is never stale: the next page after a change shows it", async () => {
  const card = async () =>
    /data-status="(\w+)"[^>]*data-name="Beta Recall"/.exec(
      await html("/courses", other),
    )?.[1];
  assertEquals(await card(), "NOT_STARTED");
  await completeDay(db, other.id, beta.days[0]);
  await setCourseStatus(db, other.id, beta.id, "IN_PROGRESS");
  assertStringIncludes(await html("/courses?q=beta", other), "1 из 4\u00a0дней");
  assertEquals(await card(), "IN_PROGRESS");
  await completeDay(db, other.id, beta.days[1]);
  assertStringIncludes(await html("/courses?q=beta", other), "2 из 4\u00a0дней");
  // A day added to the course (content change) counts at once too.
  const { invalidateCourses } = await import("@/core/courses/cache.ts");
  await db.updateTable("day_on_course").set({ archived_at: new Date() })
    .where("id", "=", beta.days[3].dayOnCourseId).execute();
  invalidateCourses(t.services);
  assertStringIncludes(await html("/courses?q=beta", other), "2 из 3\u00a0дней");
});
