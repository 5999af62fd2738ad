/**
 * Private courses: listed, shown and served by the API only to users with a
 * `course_access` row, to the author and to staff. Everyone else gets the
 * same "not available" 404 as for a course that does not exist.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { allCards, makeCourse } from "./fixtures.ts";

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());
const db = t.services.db;

const author = await signIn(t, "author_a", "TRAINER");
const invited = await signIn(t, "invited", "USER");
const stranger = await signIn(t, "stranger", "USER");
const otherTrainer = await signIn(t, "other_trainer", "TRAINER");
const moderator = await signIn(t, "moder", "MODERATOR");

await makeCourse(db, { slug: "open-course", name: "Открытый курс", authorId: author.id });
const secret = await makeCourse(db, {
  slug: "secret-plan",
  name: "Секретный план",
  access: "PRIVATE",
  authorId: author.id,
});
await db.insertInto("course_access").values({
  course_id: secret.id,
  user_id: invited.id,
  granted_by: author.id,
}).execute();
await makeCourse(db, {
  slug: "draft-course",
  name: "Черновик курса",
  authorId: author.id,
  published: false,
});

Deno.test("a private course is not listed, shown or served to a visitor or a user without access", async () => {
  for (const who of [null, stranger, otherTrainer]) {
    const get = (p: string) => who ? who.fetch(p) : t.fetch(p);
    const list = await (await get("/courses")).text();
    assertEquals(allCards(list), ["Открытый курс"], "only the public course is listed");
    assert(!list.includes("secret-plan"), "not even its slug is on the page");

    const page = await get("/courses/secret-plan");
    assertEquals(page.status, 404);
    assertStringIncludes(await page.text(), "Этот курс недоступен");

    const api = await get("/api/v1/courses");
    const body = await api.json();
    assertEquals(body.courses.map((c: { slug: string }) => c.slug), ["open-course"]);

    const detail = await get("/api/v1/courses/secret-plan");
    assertEquals(detail.status, 404);
    assertEquals((await detail.json()).error, "not_found");

    const reviews = await get("/courses/secret-plan/reviews");
    assertEquals(reviews.status, 404);
    await reviews.body?.cancel();
  }
});

Deno.test("the 404 for a private course is the same as for a course that does not exist", async () => {
  const a = await stranger.fetch("/api/v1/courses/secret-plan");
  const b = await stranger.fetch("/api/v1/courses/no-such-course");
  assertEquals(a.status, b.status);
  assertEquals(await a.json(), await b.json());
});

Deno.test("a user with access sees the private course in the list, on its page and in the API", async () => {
  const list = await (await invited.fetch("/courses")).text();
  assertEquals(allCards(list).sort(), ["Открытый курс", "Секретный план"]);
  assertStringIncludes(list, "Закрытый курс");
  const page = await invited.fetch("/courses/secret-plan");
  assertEquals(page.status, 200);
  assertStringIncludes(await page.text(), "<h1>Секретный план</h1>");
  const api = await (await invited.fetch("/api/v1/courses")).json();
  assertEquals(api.courses.length, 2);
  const detail = await invited.fetch("/api/v1/courses/secret-plan");
  assertEquals(detail.status, 200);
  assertEquals((await detail.json()).course.access, "PRIVATE");
});

Deno.test("the author and staff see the private course", async () => {
  for (const who of [author, moderator]) {
    const list = await (await who.fetch("/courses")).text();
    assert(allCards(list).includes("Секретный план"), who.username);
    assertEquals((await who.fetch("/courses/secret-plan")).status, 200);
    assertEquals((await who.fetch("/api/v1/courses/secret-plan")).status, 200);
  }
});

Deno.test("a draft is never listed; only its author and staff can open it", async () => {
  for (const who of [author, moderator, invited]) {
    assert(!allCards(await (await who.fetch("/courses")).text()).includes("Черновик курса"));
  }
  const own = await author.fetch("/courses/draft-course");
  assertEquals(own.status, 200);
  assertStringIncludes(await own.text(), "Черновик: курс ещё не опубликован");
  assertEquals((await invited.fetch("/courses/draft-course")).status, 404);
  assertEquals((await t.fetch("/courses/draft-course")).status, 404);
});

Deno.test("revoking access hides the course again", async () => {
  const other = await makeCourse(db, {
    slug: "short-lived",
    name: "Временный доступ",
    access: "PRIVATE",
    authorId: author.id,
  });
  await db.insertInto("course_access").values({ course_id: other.id, user_id: invited.id })
    .execute();
  assertEquals((await invited.fetch("/courses/short-lived")).status, 200);
  await db.deleteFrom("course_access").where("course_id", "=", other.id).execute();
  assertEquals((await invited.fetch("/courses/short-lived")).status, 404);
  assert(!allCards(await (await invited.fetch("/courses")).text()).includes("Временный доступ"));
});

Deno.test("visitors' catalogue page is cached, a signed-in user's is not", async () => {
  // The same URL: a visitor must never be served the invited user's page (and vice versa).
  const mine = await (await invited.fetch("/courses?sort=name")).text();
  const anon = await (await t.fetch("/courses?sort=name")).text();
  const anon2 = await (await t.fetch("/courses?sort=name")).text();
  assert(mine.includes("Секретный план"));
  assert(!anon.includes("Секретный план") && !anon2.includes("Секретный план"));
  assert(!anon.includes('name="_csrf"'), "a visitor's cached page carries no CSRF token");
});
