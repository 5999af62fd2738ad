/**
 * Broadcasts: the recipients of each segment are counted before sending,
 * the preview shows each language's version, and the job delivers through
 * the notification pipeline once per recipient even when it runs twice,
 * resuming where it stopped, with progress on the page.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { countRecipients, runBroadcast } from "@/core/broadcasts.ts";
import { SYSTEM } from "@/core/auth/guards.ts";
import { categoryOf } from "@/core/notification_prefs.ts";
import { opsBroadcastPath, opsBroadcastsPath } from "@/core/paths.ts";
import { newId } from "@/platform/ids.ts";

const DAY = 86_400_000;

/** A course with one learner (English), one other active learner, one long inactive, one disabled. */
async function world(t: TestApp) {
  const trainer = await signIn(t, "bc_trainer", "TRAINER");
  const courseId = newId();
  await t.services.db.insertInto("courses").values({
    id: courseId,
    slug: "bc-course",
    name: "Основы",
    author_id: trainer.id,
    published_at: new Date(),
  }).execute();
  const enrolled = await signIn(t, "bc_enrolled");
  await t.services.db.updateTable("users").set({ locale: "en" }).where("id", "=", enrolled.id)
    .execute();
  await t.services.db.insertInto("user_courses").values({
    user_id: enrolled.id,
    course_id: courseId,
  })
    .execute();
  const active = await signIn(t, "bc_active");
  await t.services.db.updateTable("users").set({ last_login_at: new Date() })
    .where("id", "=", active.id).execute();
  const idle = await signIn(t, "bc_idle");
  const longAgo = new Date(Date.now() - 40 * DAY);
  await t.services.db.updateTable("users").set({ created_at: longAgo, last_login_at: longAgo })
    .where("id", "=", idle.id).execute();
  const off = await signIn(t, "bc_off");
  await t.services.db.updateTable("users").set({ disabled_at: new Date() })
    .where("id", "=", off.id).execute();
  return { courseId, enrolled, active, idle, off, trainer };
}

const form = (extra: Record<string, string>) => ({
  titleRu: "Новый курс",
  bodyRu: "Загляните в каталог: там новый курс.",
  titleEn: "A new course",
  bodyEn: "Look at the catalogue: there is a new course.",
  url: "/courses",
  ...extra,
});

async function broadcasts(t: TestApp, userId: string) {
  return await t.services.db.selectFrom("notifications").select(["title", "body", "url", "kind"])
    .where("user_id", "=", userId).where("kind", "=", "broadcast.message").execute();
}

Deno.test("each segment's recipients are counted: all learners, a course's, inactive for N days", async () => {
  await using t = await openTestApp();
  const w = await world(t);
  await signIn(t, "bc_admin", "ADMIN");
  const count = (segment: Parameters<typeof countRecipients>[2]) =>
    countRecipients(t.services, SYSTEM, segment);
  // Learners only (no trainer, no admin), active accounts only.
  assertEquals(await count({ kind: "all" }), 3);
  assertEquals(await count({ kind: "course", courseId: w.courseId }), 1);
  assertEquals(await count({ kind: "inactive", days: 30 }), 1);
  assertEquals(await count({ kind: "inactive", days: 50 }), 0);
});

Deno.test("the admin previews the message as recipients will see it, with the count, then sends it once to each", async () => {
  await using t = await openTestApp();
  const w = await world(t);
  const admin = await signIn(t, "bc_admin", "ADMIN");

  // A bad form comes back with its errors.
  const bad = await admin.post(opsBroadcastsPath(), {
    segment: "inactive",
    days: "0",
    url: "https://evil.example",
  });
  assertEquals(bad.status, 422);
  const badHtml = await bad.text();
  assertStringIncludes(badHtml, "Напишите заголовок и текст хотя бы на одном языке.");
  assertStringIncludes(badHtml, "Нужен путь на этом сайте");

  const created = await admin.post(opsBroadcastsPath(), form({ segment: "all" }));
  assertEquals(created.status, 303);
  const path = created.headers.get("location")!;
  const id = path.split("/").pop()!;
  assertEquals(path, opsBroadcastPath(id));

  const preview = await (await admin.fetch(path)).text();
  assertStringIncludes(preview, 'data-recipients="3"');
  assertStringIncludes(preview, "Получат 3\u00a0ученика");
  assertStringIncludes(preview, 'data-lang="ru"');
  assertStringIncludes(preview, "Загляните в каталог: там новый курс.");
  assertStringIncludes(preview, 'data-lang="en"');
  assertStringIncludes(preview, "A new course");
  assertEquals((await broadcasts(t, w.active.id)).length, 0, "nothing sent before confirming");

  // Confirmed (twice, as a double click would), and a second copy of the job on top.
  assertEquals((await admin.post(path, { _action: "send" })).status, 303);
  assertEquals((await admin.post(path, { _action: "send" })).status, 303);
  await t.services.jobs.enqueue("broadcast", { broadcastId: id });
  t.services.jobs.start();
  await t.services.jobs.drain({ timeoutMs: 30_000 });

  const ruCopy = await broadcasts(t, w.active.id);
  assertEquals(ruCopy.length, 1);
  assertEquals([ruCopy[0].title, ruCopy[0].body, ruCopy[0].url], [
    "Новый курс",
    "Загляните в каталог: там новый курс.",
    "/courses",
  ]);
  assertEquals(categoryOf(ruCopy[0].kind), "news");
  const enCopy = await broadcasts(t, w.enrolled.id);
  assertEquals(enCopy.map((n) => n.title), ["A new course"], "in the recipient's language");
  assertEquals((await broadcasts(t, w.idle.id)).length, 1);
  assertEquals((await broadcasts(t, w.off.id)).length, 0);
  assertEquals((await broadcasts(t, w.trainer.id)).length, 0);
  assertEquals((await broadcasts(t, admin.id)).length, 0);

  const done = await (await admin.fetch(path)).text();
  assertStringIncludes(done, 'data-sent="3" data-total="3"');
  assertStringIncludes(done, "Отправлено 3 из 3");
  assert(!done.includes('http-equiv="refresh"'), "no refresh once done");
  const audit = await t.services.db.selectFrom("audit_log").selectAll()
    .where("action", "=", "broadcast.send").execute();
  assertEquals(audit.length, 1);
  assertEquals([audit[0].actor_name, (audit[0].details as { total: number }).total], [
    "bc_admin",
    3,
  ]);
  const list = await (await admin.fetch(opsBroadcastsPath())).text();
  assertStringIncludes(list, "3 / 3");
});

Deno.test("a course segment reaches only that course's learners; English only reaches Russian readers too", async () => {
  await using t = await openTestApp();
  const w = await world(t);
  const admin = await signIn(t, "bc_admin", "ADMIN");
  const created = await admin.post(
    opsBroadcastsPath(),
    { titleEn: "Only English", bodyEn: "Text", segment: "course", course: w.courseId },
  );
  const path = created.headers.get("location")!;
  const preview = await (await admin.fetch(path)).text();
  assertStringIncludes(preview, "Получит 1\u00a0ученик");
  assertStringIncludes(preview, "Ученики курса «Основы»");
  assert(!preview.includes('data-lang="ru"'));
  await admin.post(path, { _action: "send" });
  t.services.jobs.start();
  await t.services.jobs.drain({ timeoutMs: 30_000 });
  assertEquals((await broadcasts(t, w.enrolled.id)).map((n) => n.title), ["Only English"]);
  assertEquals((await broadcasts(t, w.active.id)).length, 0);
});

Deno.test("sending goes in batches with progress, resumes where it stopped, and never sends twice", async () => {
  await using t = await openTestApp();
  const admin = await signIn(t, "bc_admin", "ADMIN");
  const learners = [];
  for (let i = 0; i < 5; i++) learners.push(await signIn(t, `bc_batch_${i}`));
  const created = await admin.post(opsBroadcastsPath(), form({ segment: "all" }));
  const path = created.headers.get("location")!;
  const id = path.split("/").pop()!;
  await admin.post(path, { _action: "send" }); // queued; the job runner is not started

  // The first run stops after its first batch (as a process would, stopping).
  const stop = new AbortController();
  const seen: number[] = [];
  await runBroadcast(t.services, id, {
    batch: 2,
    signal: stop.signal,
    progress: (pct) => {
      seen.push(pct);
      stop.abort();
      return Promise.resolve();
    },
  }).catch(() => {});
  assertEquals(seen, [40]);
  const midway = await (await admin.fetch(path)).text();
  assertStringIncludes(midway, 'data-sent="2" data-total="5"');
  assertStringIncludes(midway, 'http-equiv="refresh"', "refreshes itself while sending");
  assertStringIncludes(midway, 'aria-live="polite"');

  // A replay of a batch already sent (a crash before the cursor moved) sends nothing new.
  await t.services.db.updateTable("broadcasts").set({ cursor: "", sent: 0 }).where("id", "=", id)
    .execute();
  const rest: number[] = [];
  const result = await runBroadcast(t.services, id, {
    batch: 2,
    progress: (pct) => {
      rest.push(pct);
      return Promise.resolve();
    },
  });
  for (const l of learners) assertEquals((await broadcasts(t, l.id)).length, 1, l.username);
  assertEquals(result.total, 5);
  const row = await t.services.db.selectFrom("broadcasts").select(["status", "sent"])
    .where("id", "=", id).executeTakeFirstOrThrow();
  assertEquals([row.status, row.sent], ["done", 5]);
  assertEquals(rest, [40, 80, 100]);
});

Deno.test("two runs of one broadcast at once send each learner one copy and count each once", async () => {
  await using t = await openTestApp();
  const admin = await signIn(t, "bc_admin", "ADMIN");
  const learners = [];
  for (let i = 0; i < 6; i++) learners.push(await signIn(t, `bc_twice_${i}`));
  const created = await admin.post(opsBroadcastsPath(), form({ segment: "all" }));
  const id = created.headers.get("location")!.split("/").pop()!;
  await admin.post(opsBroadcastPath(id), { _action: "send" });
  const [a, b] = await Promise.all([
    runBroadcast(t.services, id, { batch: 1 }),
    runBroadcast(t.services, id, { batch: 1 }),
  ]);
  assertEquals([a.sent, b.sent], [6, 6]);
  for (const l of learners) assertEquals((await broadcasts(t, l.id)).length, 1, l.username);
  const row = await t.services.db.selectFrom("broadcasts").select(["status", "sent"])
    .where("id", "=", id).executeTakeFirstOrThrow();
  assertEquals([row.status, row.sent], ["done", 6]);
});
