import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { seedDemo } from "@/core/demo/seed.ts";

const t = await openTestApp();
await seedDemo(t.services.db, { print: () => {} });
globalThis.addEventListener("unload", () => t.close());

Deno.test("landing page renders in Russian by default, with no script", async () => {
  const res = await t.fetch("/");
  assertEquals(res.status, 200);
  const html = await res.text();
  assertStringIncludes(html, '<html lang="ru">');
  assertStringIncludes(html, "Дрессировка, которая становится привычкой");
  assert(!html.includes("<script"), "the landing page ships no JavaScript");
});

Deno.test("the catalogue lists published public courses and hides private ones", async () => {
  const html = await (await t.fetch("/courses")).text();
  assertStringIncludes(html, "Это база");
  assertStringIncludes(html, "Спокойная прогулка");
  assert(!html.includes("Индивидуальный план"), "a private course is not listed");
  assertStringIncludes(html, "<!--frsh:island:CourseSearch:0:-->");
});

Deno.test("catalogue search works as a plain GET form, case-insensitive in Russian", async () => {
  const html = await (await t.fetch("/courses?q=%D0%9F%D0%A0%D0%9E%D0%93%D0%A3%D0%9B%D0%9A%D0%90"))
    .text(); // ПРОГУЛКА
  assertMatch(html, /<li class="course-card"[^>]*>(?:(?!<\/li>).)*Спокойная прогулка/s);
  assertMatch(html, /<li class="course-card"[^>]*hidden>(?:(?!<\/li>).)*Это база/s);
  assertStringIncludes(html, "Найден 1\u00a0курс");
  const none = await (await t.fetch("/courses?q=zzzz")).text();
  assertStringIncludes(none, "По запросу «zzzz» ничего не нашлось.");
});

Deno.test("course outline shows days with step counts and minutes, description as sanitized Markdown", async () => {
  const res = await t.fetch("/courses/eto-baza");
  assertEquals(res.status, 200);
  const html = await res.text();
  assertStringIncludes(html, "<h1>Это база</h1>");
  assertStringIncludes(html, "<strong>Что понадобится:</strong>");
  assertMatch(html, /День 1<\/span>/);
  assertMatch(html, /\d+\u00a0шаг(а|ов)?/);
  assertMatch(html, /Тренировка: \d+\u00a0мин/);
  // The only script is the share button's (Web Share API / copy link); the rest is plain HTML.
  const islands = [...html.matchAll(/<!--frsh:island:(\w+):/g)].map((m) => m[1]);
  assertEquals(islands, ["ShareCourse"], "the outline ships no other JavaScript");
});

Deno.test("a private or unknown course says it is not available, with 404", async () => {
  for (const slug of ["plan-grom", "no-such-course"]) {
    const res = await t.fetch(`/courses/${slug}`);
    assertEquals(res.status, 404);
    assertStringIncludes(await res.text(), "Этот курс недоступен");
  }
});

Deno.test("unknown paths get the 404 page in the user's language", async () => {
  const res = await t.fetch("/no/such/page", { headers: { "accept-language": "en-US,en;q=0.9" } });
  assertEquals(res.status, 404);
  const html = await res.text();
  assertStringIncludes(html, '<html lang="en">');
  assertStringIncludes(html, "Page not found");
});

Deno.test("the language switch sets a cookie and returns to a same-site page only", async () => {
  const res = await t.fetch("/locale/en?next=%2Fcourses%3Fq%3Dx");
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("location"), "/courses?q=x");
  assertMatch(res.headers.get("set-cookie") ?? "", /^lang=en; Path=\//);
  const evil = await t.fetch("/locale/en?next=%2F%2Fevil.example");
  assertEquals(evil.headers.get("location"), "/");
  const html = await (await t.fetch("/courses", { headers: { cookie: "lang=en" } })).text();
  assertStringIncludes(html, "<h1>Courses</h1>");
});

Deno.test("every response has security headers; HTML gets a CSP nonce matching its script", async () => {
  const res = await t.fetch("/courses");
  const csp = res.headers.get("content-security-policy") ?? "";
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  assert(nonce, csp);
  assertStringIncludes(await res.text(), `<script type="module" nonce="${nonce}">`);
  assertEquals(res.headers.get("x-frame-options"), "DENY");
  assertEquals(res.headers.get("x-content-type-options"), "nosniff");
  assertStringIncludes(res.headers.get("permissions-policy") ?? "", "camera=(self)");
  assertMatch(res.headers.get("x-request-id") ?? "", /^[\w-]{8,}$/);
  const json = await t.fetch("/health");
  assertEquals(
    json.headers.get("content-security-policy"),
    "default-src 'none'; frame-ancestors 'none'",
  );
  await json.body?.cancel();
});

Deno.test("/health answers without touching the database; /ready checks database and KV", async () => {
  const health = await (await t.fetch("/health")).json();
  assertEquals(health.status, "ok");
  const ready = await t.fetch("/ready");
  assertEquals(ready.status, 200);
  const body = await ready.json();
  assertEquals(body.database.ok, true);
  assertEquals(body.kv.ok, true);
});

Deno.test("static files are served with a content hash for long caching", async () => {
  const html = await (await t.fetch("/")).text();
  const href = /href="(\/styles\.css\?v=[0-9a-f]+)"/.exec(html)?.[1];
  assert(href, "stylesheet link with a version");
  const css = await t.fetch(href);
  assertEquals(css.status, 200);
  assertEquals(css.headers.get("cache-control"), "public, max-age=31536000, immutable");
  await css.body?.cancel();
});

Deno.test("island chunks are served immutable and gzip-encoded", async () => {
  const html = await (await t.fetch("/courses")).text();
  const src = /from"(\/_fresh\/js\/runtime-[\w]+\.js)"/.exec(html)?.[1];
  assert(src, "runtime import in the boot script");
  const res = await t.fetch(src, { headers: { "accept-encoding": "gzip" } });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assertEquals(res.headers.get("content-encoding"), "gzip");
  await res.body?.cancel();
});

Deno.test("anonymous pages are cached, get a fresh nonce each time, and drop when courses change", async () => {
  const a = await t.fetch("/courses?q=page-cache");
  const b = await t.fetch("/courses?q=page-cache");
  const nonceA = /'nonce-([^']+)'/.exec(a.headers.get("content-security-policy") ?? "")?.[1];
  const nonceB = /'nonce-([^']+)'/.exec(b.headers.get("content-security-policy") ?? "")?.[1];
  assert(nonceA && nonceB && nonceA !== nonceB, "a new nonce per response");
  assertStringIncludes(await a.text(), `nonce="${nonceA}"`);
  assertStringIncludes(await b.text(), `nonce="${nonceB}"`);

  const { invalidateCourses } = await import("@/core/courses/cache.ts");
  await t.services.db.updateTable("courses").set({ name: "Это база 2.0" }).where(
    "slug",
    "=",
    "eto-baza",
  )
    .execute();
  // Still the cached page until content changes are announced…
  assert(!(await (await t.fetch("/courses")).text()).includes("Это база 2.0"));
  invalidateCourses(t.services);
  assertStringIncludes(await (await t.fetch("/courses")).text(), "Это база 2.0");
  await t.services.db.updateTable("courses").set({ name: "Это база" }).where(
    "slug",
    "=",
    "eto-baza",
  )
    .execute();
  invalidateCourses(t.services);
});
