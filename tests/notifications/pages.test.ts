/**
 * The notification list (page and JSON): only the signed-in user's own,
 * newest first, paginated, unread highlighted; opening and "mark all read"
 * touch only one's own; the bell count follows inserts and reads.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { NOTIFICATIONS, notify, unreadCount } from "@/core/notifications.ts";
import { notificationsMiddleware, SERVICE_WORKER_CSP } from "@/http/notifications.ts";
import type { Context } from "@/framework/mod.ts";
import type { State } from "@/define.ts";

async function remind(t: TestApp, userId: string, step: string, url = "/courses/eto-baza") {
  const r = await notify(t.services, userId, {
    ...NOTIFICATIONS.stepFinished,
    vars: { step },
    url,
  });
  return r!.id;
}

const readAt = async (t: TestApp, id: string) =>
  (await t.services.db.selectFrom("notifications").select("read_at").where("id", "=", id)
    .executeTakeFirstOrThrow()).read_at;

Deno.test("the list shows only my notifications, newest first, unread highlighted", async () => {
  await using t = await openTestApp();
  const anna = await signIn(t, "anna");
  const bob = await signIn(t, "bob");
  await remind(t, anna.id, "Сидеть");
  await remind(t, anna.id, "Лежать");
  await remind(t, bob.id, "Секрет Боба");

  const res = await anna.fetch("/notifications");
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("cache-control"), "private, no-store");
  const html = await res.text();
  assert(!html.includes("Секрет Боба"), "another user's notification is visible");
  const lying = html.indexOf("«Лежать»");
  const sitting = html.indexOf("«Сидеть»");
  assert(lying > 0 && sitting > lying, "newest first");
  assertEquals(html.match(/notification notification--unread/g)?.length, 2);
  assertStringIncludes(html, "2\u00a0непрочитанных");
  // The header's bell shows the same count on this page.
  assertMatch(html, /<span class="badge">2<\/span>/);
  // No JavaScript on this page.
  assert(!html.includes("/_fresh/js/"), "the list page ships no JavaScript");
});

Deno.test("opening a notification marks it read and follows its link; someone else's is 404", async () => {
  await using t = await openTestApp();
  const anna = await signIn(t, "anna");
  const bob = await signIn(t, "bob");
  const id = await remind(t, anna.id, "Сидеть", "/courses/eto-baza/days/1");

  const foreign = await bob.fetch(`/notifications/${id}`, { redirect: "manual" });
  assertEquals(foreign.status, 404);
  assertEquals(await readAt(t, id), null);

  const own = await anna.fetch(`/notifications/${id}`, { redirect: "manual" });
  assertEquals(own.status, 303);
  assertEquals(own.headers.get("location"), "/courses/eto-baza/days/1");
  assert(await readAt(t, id) instanceof Date);
  assertEquals(await unreadCount(t.services, anna.id), 0);

  const html = await (await anna.fetch("/notifications")).text();
  assert(!html.includes("notification--unread"));
  assertStringIncludes(html, "Все уведомления прочитаны.");

  const visitor = await t.fetch(`/notifications/${id}`, { redirect: "manual" });
  assertEquals(visitor.status, 303);
  assertMatch(visitor.headers.get("location") ?? "", /^\/login\?next=/);
});

Deno.test("mark all read changes only my notifications, and not one newer than the page", async () => {
  await using t = await openTestApp();
  const anna = await signIn(t, "anna");
  const bob = await signIn(t, "bob");
  const a1 = await remind(t, anna.id, "Сидеть");
  const a2 = await remind(t, anna.id, "Лежать");
  const b1 = await remind(t, bob.id, "Рядом");

  // The page showed a2 as the newest; a3 arrives before the click.
  const a3 = await remind(t, anna.id, "Место");
  const res = await anna.post("/notifications", { until: a2 });
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("location"), "/notifications?marked=2");
  assert(await readAt(t, a1) instanceof Date);
  assert(await readAt(t, a2) instanceof Date);
  assertEquals(await readAt(t, a3), null);
  assertEquals(await readAt(t, b1), null);

  const after = await (await anna.fetch("/notifications?marked=2")).text();
  assertStringIncludes(after, "Отмечено как прочитанные: 2");
  assertStringIncludes(after, "1\u00a0непрочитанное");

  // Without CSRF nothing happens.
  const forged = await t.fetch("/notifications", {
    method: "POST",
    headers: anna.headers({ "content-type": "application/x-www-form-urlencoded" }),
    body: "",
  });
  assertEquals(forged.status, 403);
  assertEquals(await readAt(t, a3), null);

  // The JSON API ignores ids that are not mine.
  const api = await anna.fetch("/api/v1/notifications/read", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ids: [b1, a3] }),
  });
  assertEquals(api.status, 200);
  assertEquals(await api.json(), { updated: 1, unread: 0 });
  assertEquals(await readAt(t, b1), null);
  assertEquals(await unreadCount(t.services, bob.id), 1);

  const bad = await anna.fetch("/api/v1/notifications/read", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ids: ["not-an-id"] }),
  });
  assertEquals(bad.status, 400);
});

Deno.test("the list pages by 20 with a stable cursor (page and JSON)", async () => {
  await using t = await openTestApp();
  const anna = await signIn(t, "anna");
  const ids: string[] = [];
  for (let i = 1; i <= 25; i++) ids.push(await remind(t, anna.id, `Шаг ${i}`));

  const first = await (await anna.fetch("/notifications")).text();
  assertEquals(first.match(/data-notification=/g)?.length, 20);
  assertStringIncludes(first, "«Шаг 25»");
  assert(!first.includes("«Шаг 5»"));
  const next = /href="\/notifications\?before=([0-9a-f-]+)" rel="next"/.exec(first)?.[1];
  assertEquals(next, ids[5]);
  const second = await (await anna.fetch(`/notifications?before=${next}`)).text();
  assertEquals(second.match(/data-notification=/g)?.length, 5);
  assertStringIncludes(second, "«Шаг 5»");
  assertStringIncludes(second, "«Шаг 1»");
  assert(!second.includes('rel="next"'));
  // "Mark all read" on an older page still covers the newest notification.
  assertStringIncludes(second, `name="until" value="${ids[24]}"`);

  const j1 = await (await anna.fetch("/api/v1/notifications?limit=10")).json();
  assertEquals(j1.items.length, 10);
  assertEquals(j1.unread, 25);
  assertEquals(j1.items[0].title, "Вы великолепны!");
  assertEquals(j1.items[0].body, "Вы успешно прошли «Шаг 25».");
  assertEquals(j1.items[0].read, false);
  assertMatch(j1.items[0].createdAt, /^\d{4}-\d\d-\d\dT/);
  const j3 = await (await anna.fetch(`/api/v1/notifications?limit=10&before=${ids[5]}`)).json();
  assertEquals(j3.items.map((n: { id: string }) => n.id), ids.slice(0, 5).reverse());
  assertEquals(j3.next, null);

  // Bob's cursor into Anna's list gives him nothing of hers.
  const bob = await signIn(t, "bob");
  const peek = await (await bob.fetch(`/api/v1/notifications?before=${ids[24]}`)).json();
  assertEquals(peek.items, []);

  assertEquals((await anna.fetch("/api/v1/notifications?limit=1000")).status, 400);
  assertEquals((await t.fetch("/api/v1/notifications")).status, 401);
});

Deno.test("the list shows texts in the reader's language", async () => {
  await using t = await openTestApp();
  const anna = await signIn(t, "anna");
  await remind(t, anna.id, "Сидеть");
  const html = await (await anna.fetch("/notifications", { headers: { cookie: "lang=en" } }))
    .text();
  // Stored in Russian (Anna's language), shown in the language of the page.
  assertStringIncludes(html, "brilliant!");
  assertStringIncludes(html, "You have completed “Сидеть”.");
  assert(!html.includes("Вы великолепны!"));
});

function bellContext(
  t: TestApp,
  user: State["user"],
  path: string,
  next: () => Promise<Response> = () => Promise.resolve(new Response("ok")),
): Context<State> {
  const state = { services: t.services, user } as unknown as State;
  return {
    req: new Request(`http://localhost${path}`),
    url: new URL(`http://localhost${path}`),
    path,
    params: {},
    state,
    route: null,
    remoteAddr: "127.0.0.1",
    next,
    onResponse() {},
  };
}

Deno.test("the bell: unread count per user, cached, refreshed by new and read notifications", async () => {
  await using t = await openTestApp();
  const anna = await signIn(t, "anna");
  const bob = await signIn(t, "bob");
  const user = {
    id: anna.id,
    username: "anna",
    role: "USER" as const,
    locale: "ru" as const,
    timeZone: "Europe/Moscow",
    sessionVersion: 1,
  };
  const count = async (path = "/courses") => {
    const ctx = bellContext(t, user, path);
    await notificationsMiddleware(ctx);
    return ctx.state.unreadNotifications;
  };
  assertEquals(await count(), 0);
  const id = await remind(t, anna.id, "Сидеть");
  await remind(t, bob.id, "Рядом");
  // The insert dropped the cached 0 at once.
  assertEquals(await count(), 1);
  await remind(t, anna.id, "Лежать");
  assertEquals(await count(), 2);
  await anna.fetch(`/notifications/${id}`, { redirect: "manual" });
  assertEquals(await count(), 1);
  // A row written behind core's back is not seen until the few seconds pass: it is cached.
  await t.services.db.insertInto("notifications").values({
    id: crypto.randomUUID(),
    user_id: anna.id,
    kind: "test",
    title: "direct",
  }).execute();
  assertEquals(await count(), 1);
  // API calls and static files render no header: no count is taken.
  assertEquals(await count("/api/v1/notifications"), undefined);
  assertEquals(await count("/styles.css"), undefined);
  // Visitors have no bell.
  const visitor = bellContext(t, null, "/courses");
  await notificationsMiddleware(visitor);
  assertEquals(visitor.state.unreadNotifications, undefined);
});

Deno.test("the service worker script gets a CSP that lets it load the notification icon", async () => {
  await using t = await openTestApp();
  // What the framework's static handler answers for /sw.js.
  const served = await t.fetch("/sw.js");
  assertEquals(served.status, 200);
  assertMatch(served.headers.get("content-type") ?? "", /^text\/javascript/);
  const script = await served.text();
  assertStringIncludes(script, 'addEventListener("push"');
  assertStringIncludes(script, 'addEventListener("notificationclick"');
  // The same worker also caches the app shell and offline pages (tests/pwa/).
  assertStringIncludes(script, 'addEventListener("fetch"');

  const ctx = bellContext(t, null, "/sw.js", () =>
    Promise.resolve(
      new Response("//", {
        headers: {
          "content-type": "text/javascript; charset=utf-8",
          "cache-control": "public, max-age=300",
        },
      }),
    ));
  const res = await notificationsMiddleware(ctx);
  assertEquals(res.headers.get("content-security-policy"), SERVICE_WORKER_CSP);
  assertEquals(res.headers.get("cache-control"), "no-cache");
  assertStringIncludes(SERVICE_WORKER_CSP, "default-src 'self'");
});
