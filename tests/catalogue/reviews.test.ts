/**
 * Reviews: only learners who COMPLETED the course write one (403 otherwise),
 * one each (409), editable and deletable by their author only (403 for
 * others; moderators may delete), and the course's average and count are
 * recomputed with every change.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { type Session, signIn } from "../helpers/session.ts";
import { makeCourse, setCourseStatus } from "./fixtures.ts";

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());
const db = t.services.db;

const trainer = await signIn(t, "rev_trainer", "TRAINER");
const done1 = await signIn(t, "done_one");
const done2 = await signIn(t, "done_two");
const midway = await signIn(t, "midway");
const moderator = await signIn(t, "rev_mod", "MODERATOR");
const course = await makeCourse(db, {
  slug: "reviewed",
  name: "Курс с отзывами",
  authorId: trainer.id,
});
await setCourseStatus(db, done1.id, course.id, "COMPLETED");
await setCourseStatus(db, done2.id, course.id, "COMPLETED");
await setCourseStatus(db, midway.id, course.id, "IN_PROGRESS");

const api = "/api/v1/courses/reviewed/reviews";
const json = (who: Session, method: string, path: string, body?: unknown) =>
  who.fetch(path, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });

async function rating() {
  return await db.selectFrom("courses").select(["avg_rating", "review_count"])
    .where("id", "=", course.id).executeTakeFirstOrThrow();
}

Deno.test("a learner who has not completed the course gets 403, and nothing is stored", async () => {
  const r = await json(midway, "POST", api, { rating: 5, comment: "Отлично" });
  assertEquals(r.status, 403);
  await r.body?.cancel();
  const page = await midway.post("/courses/reviewed/reviews", { _action: "save", rating: "5" });
  assertEquals(page.status, 403);
  await page.body?.cancel();
  assertEquals(await rating(), { avg_rating: null, review_count: 0 });
  const html = await (await midway.fetch("/courses/reviewed/reviews")).text();
  assertStringIncludes(html, "Оставить отзыв можно после того, как курс пройден до конца.");
  assert(!html.includes('name="rating"'), "no form for them");
});

Deno.test("a completer writes one review; the average and count follow", async () => {
  const r = await json(done1, "POST", api, { rating: 5, comment: "  Очень полезно!\r\nСпасибо  " });
  assertEquals(r.status, 201);
  const { review } = await r.json();
  assertEquals(review.rating, 5);
  assertEquals(review.comment, "Очень полезно!\nСпасибо");
  assertEquals(await rating(), { avg_rating: 5, review_count: 1 });
  const again = await json(done1, "POST", api, { rating: 1 });
  assertEquals(again.status, 409);
  assertEquals(
    (await again.json()).message,
    "Вы уже оставили отзыв на этот курс — его можно изменить.",
  );
  await json(done2, "POST", api, { rating: 2 });
  assertEquals(await rating(), { avg_rating: 3.5, review_count: 2 });
});

Deno.test("bad input is a 400 with messages per field, in the user's language", async () => {
  const r = await json(done2, "PATCH", `${api}/whatever`, { rating: 3 });
  assertEquals(r.status, 404);
  await r.body?.cancel();
  const mine = (await (await done2.fetch(api)).json()).mine;
  const bad = await json(done2, "PATCH", `${api}/${mine.id}`, {
    rating: 6,
    comment: "x".repeat(2001),
  });
  assertEquals(bad.status, 400);
  const body = await bad.json();
  assertEquals(body.fields.rating, "Выберите оценку от 1 до 5");
  assertEquals(body.fields.comment, "Не длиннее 2000\u00a0символов");
  assertEquals(await rating(), { avg_rating: 3.5, review_count: 2 });
});

Deno.test("only the author edits a review; the average is recomputed", async () => {
  const list = await (await done2.fetch(api)).json();
  const other = list.reviews.find((r: { author: { username: string } }) =>
    r.author.username === "done_one"
  );
  const forbidden = await json(done2, "PATCH", `${api}/${other.id}`, { rating: 1 });
  assertEquals(forbidden.status, 403);
  await forbidden.body?.cancel();
  const byModerator = await json(moderator, "PATCH", `${api}/${other.id}`, { rating: 1 });
  assertEquals(byModerator.status, 403, "moderators may remove, not rewrite");
  await byModerator.body?.cancel();
  const own = await json(done2, "PATCH", `${api}/${list.mine.id}`, { rating: 4, comment: "" });
  assertEquals(own.status, 200);
  assertEquals((await own.json()).review.comment, null);
  assertEquals(await rating(), { avg_rating: 4.5, review_count: 2 });
});

Deno.test("only the author (or a moderator) deletes; the count drops and the catalogue shows it", async () => {
  const list = await (await done1.fetch(api)).json();
  const theirs = list.reviews.find((r: { author: { username: string } }) =>
    r.author.username === "done_two"
  );
  const forbidden = await json(done1, "DELETE", `${api}/${theirs.id}`);
  assertEquals(forbidden.status, 403);
  await forbidden.body?.cancel();
  assertEquals((await rating()).review_count, 2);
  const gone = await json(done1, "DELETE", `${api}/${list.mine.id}`);
  assertEquals(gone.status, 204);
  assertEquals(await rating(), { avg_rating: 4, review_count: 1 });
  // The cached catalogue was dropped: visitors see the new average at once.
  assertMatch(await (await t.fetch("/courses")).text(), /icon--star.*?<\/svg> 4\.0/s);
  const mod = await json(moderator, "DELETE", `${api}/${theirs.id}`);
  assertEquals(mod.status, 204);
  assertEquals(await rating(), { avg_rating: null, review_count: 0 });
});

Deno.test("the page form: write, see it listed with author and date, edit, delete", async () => {
  const page = "/courses/reviewed/reviews";
  const empty = await done1.post(page, { _action: "save", rating: "", comment: "Без оценки" });
  assertEquals(empty.status, 422);
  const errHtml = await empty.text();
  assertStringIncludes(errHtml, "Выберите оценку от 1 до 5");
  assertStringIncludes(errHtml, ">Без оценки</textarea>", "what was typed is kept");

  const saved = await done1.post(page, { _action: "save", rating: "4", comment: "Хороший курс" });
  assertEquals(saved.status, 303);
  assertEquals(saved.headers.get("location"), `${page}?saved=1#my-review`);
  const html = await (await done1.fetch(`${page}?saved=1`)).text();
  assertStringIncludes(html, "Спасибо! Отзыв сохранён.");
  assertStringIncludes(html, "Хороший курс");
  assertMatch(html, /<a class="author" href="\/u\/done_one">/);
  assertMatch(html, /<time class="muted" datetime="\d{4}-\d\d-\d\dT/);
  assertMatch(html, /value="4" checked/);

  await done1.post(page, { _action: "save", rating: "2", comment: "Передумал" });
  assertEquals(await rating(), { avg_rating: 2, review_count: 1 });
  const rows = await db.selectFrom("course_reviews").select("id").where("course_id", "=", course.id)
    .execute();
  assertEquals(rows.length, 1, "saving again edits, never duplicates");

  // Another learner cannot delete it through the form either.
  const other = await done2.post(page, { _action: "delete", reviewId: rows[0].id });
  assertEquals(other.status, 403);
  await other.body?.cancel();
  const del = await done1.post(page, { _action: "delete" });
  assertEquals(del.status, 303);
  assertEquals(await rating(), { avg_rating: null, review_count: 0 });
});

Deno.test("the reviews list shows a rating breakdown; visitors see it with a sign-in link", async () => {
  await json(done1, "POST", api, { rating: 5, comment: "Пять" });
  await json(done2, "POST", api, { rating: 3 });
  const anon = await (await t.fetch("/courses/reviewed/reviews")).text();
  assertStringIncludes(anon, "<strong>4.0</strong>");
  assertStringIncludes(anon, "Войдите, чтобы оставить отзыв.");
  assert(!anon.includes('name="_csrf"'));
  const course = await (await t.fetch("/courses/reviewed")).text();
  assertStringIncludes(course, "2\u00a0отзыва");
});
