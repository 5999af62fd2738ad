/**
 * Favourites: the API (PUT stars, DELETE unstars, POST {favorite} sets; all
 * idempotent), the no-JS form through /favorites, CSRF, and that one user's
 * stars never touch another's.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { makeCourse, visibleCards } from "./fixtures.ts";

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());
const db = t.services.db;

const trainer = await signIn(t, "fav_trainer", "TRAINER");
const ann = await signIn(t, "ann");
const bob = await signIn(t, "bob");
const course = await makeCourse(db, {
  slug: "star-me",
  name: "Звёздный курс",
  authorId: trainer.id,
});
const hidden = await makeCourse(db, {
  slug: "hidden-one",
  name: "Скрытый",
  access: "PRIVATE",
  authorId: trainer.id,
});

async function favoritesOf(userId: string): Promise<string[]> {
  const rows = await db.selectFrom("favorites").select("course_id").where("user_id", "=", userId)
    .execute();
  return rows.map((r) => r.course_id);
}

Deno.test("PUT stars, DELETE unstars; both are idempotent", async () => {
  const url = "/api/v1/courses/star-me/favorite";
  for (let i = 0; i < 2; i++) {
    const r = await ann.fetch(url, { method: "PUT" });
    assertEquals(r.status, 200);
    assertEquals(await r.json(), { slug: "star-me", favorite: true });
  }
  assertEquals(await favoritesOf(ann.id), [course.id]);
  assertEquals(await (await ann.fetch(url)).json(), { slug: "star-me", favorite: true });
  for (let i = 0; i < 2; i++) {
    const r = await ann.fetch(url, { method: "DELETE" });
    assertEquals(await r.json(), { slug: "star-me", favorite: false });
  }
  assertEquals(await favoritesOf(ann.id), []);
});

Deno.test("POST with {favorite} sets the state; a bad body is a 400 with the field", async () => {
  const url = "/api/v1/courses/star-me/favorite";
  const post = (body: string) =>
    ann.fetch(url, { method: "POST", body, headers: { "content-type": "application/json" } });
  assertEquals(await (await post('{"favorite":true}')).json(), {
    slug: "star-me",
    favorite: true,
  });
  const bad = await post('{"favorite":"yes"}');
  assertEquals(bad.status, 400);
  assert((await bad.json()).fields.favorite);
  assertEquals(await favoritesOf(ann.id), [course.id], "a bad request changes nothing");
  await post('{"favorite":false}');
  assertEquals(await favoritesOf(ann.id), []);
});

Deno.test("another user's favourites are untouched", async () => {
  await bob.fetch("/api/v1/courses/star-me/favorite", { method: "PUT" });
  await ann.fetch("/api/v1/courses/star-me/favorite", { method: "PUT" });
  await ann.fetch("/api/v1/courses/star-me/favorite", { method: "DELETE" });
  assertEquals(await favoritesOf(bob.id), [course.id]);
  assertEquals(await favoritesOf(ann.id), []);
  // And each sees only their own in the favourites tab.
  assertEquals(visibleCards(await (await bob.fetch("/courses?tab=favorites")).text()), [
    "Звёздный курс",
  ]);
  assertEquals(visibleCards(await (await ann.fetch("/courses?tab=favorites")).text()), []);
  await bob.fetch("/api/v1/courses/star-me/favorite", { method: "DELETE" });
});

Deno.test("writes need the CSRF token and a session", async () => {
  const url = "/api/v1/courses/star-me/favorite";
  const noToken = await t.fetch(url, { method: "PUT", headers: ann.headers() });
  assertEquals(noToken.status, 403);
  assertEquals((await noToken.json()).error, "csrf");
  const wrongToken = await t.fetch(url, {
    method: "PUT",
    headers: ann.headers({ "x-csrf-token": bob.csrf }),
  });
  assertEquals(wrongToken.status, 403);
  await wrongToken.body?.cancel();
  assertEquals(await favoritesOf(ann.id), []);
  const form = await t.fetch("/favorites", {
    method: "POST",
    headers: ann.headers({ "content-type": "application/x-www-form-urlencoded" }),
    body: new URLSearchParams({ slug: "star-me", favorite: "true" }),
  });
  assertEquals(form.status, 403);
  await form.body?.cancel();
  assertEquals(await favoritesOf(ann.id), []);
  const anon = await t.fetch(url);
  assertEquals(anon.status, 401);
  await anon.body?.cancel();
});

Deno.test("a course the user may not see cannot be starred (404)", async () => {
  const r = await ann.fetch("/api/v1/courses/hidden-one/favorite", { method: "PUT" });
  assertEquals(r.status, 404);
  await r.body?.cancel();
  assertEquals(await favoritesOf(ann.id), []);
  await db.insertInto("course_access").values({ course_id: hidden.id, user_id: ann.id }).execute();
  assertEquals(
    (await ann.fetch("/api/v1/courses/hidden-one/favorite", { method: "PUT" })).status,
    200,
  );
  await ann.fetch("/api/v1/courses/hidden-one/favorite", { method: "DELETE" });
});

Deno.test("without JS: the star is a POST form to /favorites that comes back to the page", async () => {
  const page = await (await ann.fetch("/courses?sort=name")).text();
  assertStringIncludes(page, '<form method="post" action="/favorites" class="fav-form">');
  assertStringIncludes(page, '<input type="hidden" name="favorite" value="true"/>');
  assertStringIncludes(page, '<input type="hidden" name="next" value="/courses?sort=name"/>');
  const r = await ann.post("/favorites", {
    slug: "star-me",
    favorite: "true",
    next: "/courses?sort=name",
  });
  assertEquals(r.status, 303);
  assertEquals(r.headers.get("location"), "/courses?sort=name");
  assertEquals(await favoritesOf(ann.id), [course.id]);
  const after = await (await ann.fetch("/courses?sort=name")).text();
  assertStringIncludes(after, 'aria-pressed="true"');
  assertStringIncludes(after, '<input type="hidden" name="favorite" value="false"/>');
  // A foreign `next` is not followed.
  const evil = await ann.post("/favorites", {
    slug: "star-me",
    favorite: "false",
    next: "//evil.example/x",
  });
  assertEquals(evil.headers.get("location"), "/courses?tab=favorites");
  assertEquals(await favoritesOf(ann.id), []);
});

Deno.test("/favorites opens the favourites tab; visitors see a sign-in link instead of a form", async () => {
  const r = await ann.fetch("/favorites");
  assertEquals(r.status, 303);
  assertEquals(r.headers.get("location"), "/courses?tab=favorites");
  const anon = await (await t.fetch("/courses")).text();
  assert(!anon.includes('action="/favorites"'));
  assertStringIncludes(anon, 'aria-label="Войдите, чтобы добавлять курсы в избранное"');
});
