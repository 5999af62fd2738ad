/**
 * Private access in the studio (/studio/courses/<id>/access): a grant lets
 * the learner see and open the private course at once and notifies them
 * (in-app and push, their language, a link to the course); a revoke hides it
 * again; the search finds by username prefix and exact email without
 * showing emails; who may manage a course's access.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { type Session, signIn } from "../helpers/session.ts";
import { newId } from "@/platform/ids.ts";
import { coursePath, studioAccessPath, studioCourseAccessPath } from "@/core/paths.ts";
import type { PushJob } from "@/queues/jobs/push.ts";
import { makeCourse } from "../training/helpers.ts";

async function privateCourse(t: TestApp, author: string) {
  return await makeCourse(t, {
    author,
    access: "PRIVATE",
    days: [{ title: "День", steps: [{ type: "THEORY", title: "Теория" }] }],
  });
}

async function html(who: Session, path: string): Promise<{ status: number; text: string }> {
  const res = await who.fetch(path);
  return { status: res.status, text: await res.text() };
}

/** A form POST as a browser sends it; `lang` sets the language cookie. */
function post(who: Session, path: string, fields: Record<string, string>, lang?: "ru" | "en") {
  return who.fetch(path, {
    method: "POST",
    redirect: "manual",
    body: new URLSearchParams({ ...fields, _csrf: who.csrf }),
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(lang ? { cookie: `lang=${lang}` } : {}),
    },
  });
}

async function sees(who: Session, slug: string): Promise<{ listed: boolean; page: number }> {
  const list = await html(who, "/courses");
  const page = await who.fetch(coursePath(slug));
  await page.body?.cancel();
  return { listed: list.text.includes(`href="${coursePath(slug)}"`), page: page.status };
}

Deno.test("a grant shows the private course to the learner at once and notifies them; a revoke hides it again", async () => {
  await using t = await openTestApp();
  const c = await privateCourse(t, "coach_a");
  const trainer = await signIn(t, "coach_a");
  const learner = await signIn(t, "pupil");
  await t.services.db.updateTable("users").set({ locale: "en" }).where("id", "=", learner.id)
    .execute();
  await t.services.db.insertInto("push_subscriptions").values({
    id: newId(),
    user_id: learner.id,
    endpoint: `http://127.0.0.1:9/${learner.id}`,
    p256dh:
      "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
    auth: "tBHItJI5svbpez7KI4CCXg",
  }).execute();

  // Before: hidden (and the catalogue has been read, so any cache is warm).
  assertEquals(await sees(learner, c.slug), { listed: false, page: 404 });

  const path = studioCourseAccessPath(c.courseId);
  const granted = await post(trainer, path, { _action: "grant", userId: learner.id });
  assertEquals(granted.status, 303);
  assertStringIncludes(granted.headers.get("location") ?? "", "done=granted");
  assertEquals(await sees(learner, c.slug), { listed: true, page: 200 });

  const page = await html(trainer, path);
  assertStringIncludes(page.text, 'data-grant="pupil"');

  const notes = await t.services.db.selectFrom("notifications")
    .select(["id", "kind", "title", "url"]).where("user_id", "=", learner.id).execute();
  assertEquals(notes.map((n) => [n.kind, n.title, n.url]), [[
    "course.access",
    `The course “Курс ${c.slug}” is open to you`,
    coursePath(c.slug),
  ]]);
  const pushes = await t.services.jobs.list({ queue: "push", state: "queued", limit: 100 });
  assert(
    pushes.jobs.some((j) => (j.payload as PushJob).notificationId === notes[0].id),
    "a push job for the learner's notification",
  );

  // Granting again changes nothing and sends no second notice.
  const again = await post(trainer, path, { _action: "grant", userId: learner.id });
  assertStringIncludes(again.headers.get("location") ?? "", "done=already");
  assertEquals(
    (await t.services.db.selectFrom("notifications").select("id")
      .where("user_id", "=", learner.id).execute()).length,
    1,
  );

  const revoked = await post(trainer, path, { _action: "revoke", userId: learner.id });
  assertEquals(revoked.status, 303);
  assertEquals(await sees(learner, c.slug), { listed: false, page: 404 });
  assert(!(await html(trainer, path)).text.includes('data-grant="pupil"'));
});

Deno.test("the search finds users by username prefix and by exact email, and never shows an email", async () => {
  await using t = await openTestApp();
  const c = await privateCourse(t, "coach_a");
  const trainer = await signIn(t, "coach_a");
  const marina = await signIn(t, "marina_k");
  await signIn(t, "mark");
  await signIn(t, "olga");
  await t.services.db.updateTable("users").set({ email: "Marina@Example.org" })
    .where("id", "=", marina.id).execute();
  const path = studioCourseAccessPath(c.courseId);
  const matches = (text: string) => [...text.matchAll(/data-match="([^"]+)"/g)].map((m) => m[1]);

  const byPrefix = await html(trainer, studioCourseAccessPath(c.courseId, { q: "MAR" }));
  assertEquals(byPrefix.status, 200);
  assertEquals(matches(byPrefix.text), ["marina_k", "mark"]);
  assert(!byPrefix.text.includes("Example.org"), "no email in the results");

  const byEmail = await html(
    trainer,
    studioCourseAccessPath(c.courseId, { q: "marina@example.org" }),
  );
  assertEquals(matches(byEmail.text), ["marina_k"]);
  // Part of an email finds nothing: no guessing of addresses.
  const partial = await html(trainer, studioCourseAccessPath(c.courseId, { q: "marina@example" }));
  assertEquals(matches(partial.text), []);
  // A username is a prefix, not a substring; the author is never offered.
  assertEquals(matches((await html(trainer, `${path}?q=rina`)).text), []);
  assertEquals(matches((await html(trainer, `${path}?q=coach`)).text), []);

  // Too short: a field message in the user's language, what was typed kept.
  const short = await html(trainer, `${path}?q=m`);
  assertEquals(short.status, 422);
  assertStringIncludes(short.text, "Введите не меньше двух символов");
  assertStringIncludes(short.text, 'value="m"');
});

Deno.test("only the course's author and staff manage its access: another trainer 404, a learner 403, a visitor to login", async () => {
  await using t = await openTestApp();
  const c = await privateCourse(t, "coach_a");
  const a = await signIn(t, "coach_a");
  const b = await signIn(t, "coach_b", "TRAINER");
  const moder = await signIn(t, "moder", "MODERATOR");
  const admin = await signIn(t, "root", "ADMIN");
  const learner = await signIn(t, "pupil");
  const path = studioCourseAccessPath(c.courseId);

  assertEquals((await html(a, path)).status, 200);
  assertStringIncludes((await html(a, studioAccessPath())).text, path);

  // Trainer B: not found, for reading, searching, granting and revoking alike.
  assertEquals((await html(b, path)).status, 404);
  assertEquals((await html(b, `${path}?q=pu`)).status, 404);
  assert(!(await html(b, studioAccessPath())).text.includes(path));
  const bGrant = await post(b, path, { _action: "grant", userId: b.id });
  assertEquals(bGrant.status, 404);
  await bGrant.body?.cancel();
  assertEquals(await sees(b, c.slug), { listed: false, page: 404 });
  await t.services.db.insertInto("course_access")
    .values({ course_id: c.courseId, user_id: learner.id, granted_by: a.id }).execute();
  const bRevoke = await post(b, path, { _action: "revoke", userId: learner.id });
  assertEquals(bRevoke.status, 404);
  await bRevoke.body?.cancel();
  assertEquals(await sees(learner, c.slug), { listed: true, page: 200 });
  // An id that does not exist answers the same.
  assertEquals((await html(a, studioCourseAccessPath(newId()))).status, 404);

  // Staff manage every course's access.
  for (const staff of [moder, admin]) {
    assertEquals((await html(staff, path)).status, 200);
    assertStringIncludes((await html(staff, studioAccessPath())).text, path);
  }
  const byStaff = await post(moder, path, { _action: "revoke", userId: learner.id });
  assertEquals(byStaff.status, 303);
  assertEquals(await sees(learner, c.slug), { listed: false, page: 404 });

  // A learner: 403 everywhere; a visitor is sent to the login page.
  for (const p of [path, studioAccessPath()]) {
    assertEquals((await html(learner, p)).status, 403);
  }
  const lGrant = await post(learner, path, { _action: "grant", userId: learner.id });
  assertEquals(lGrant.status, 403);
  await lGrant.body?.cancel();
  const visitor = await t.fetch(path, { redirect: "manual" });
  await visitor.body?.cancel();
  assertEquals(visitor.status, 303);
  assertStringIncludes(visitor.headers.get("location") ?? "", "/login");

  // An unknown user cannot be granted: a message, not a crash.
  const unknown = await post(a, path, { _action: "grant", userId: newId() }, "en");
  assertEquals(unknown.status, 422);
  assertStringIncludes(await unknown.text(), "There is no such user.");
});
