/**
 * A campaign's life over fake days: the messages of days 5, 12, 20 and 30
 * after the last activity, then the end; no restart the next mornings; the
 * end on return and a new campaign only after new activity; levels missed
 * while the job did not run are skipped, not sent in a burst; the job run
 * twice the same day sends once.
 */
import { assert, assertEquals, assertNotEquals } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { runReengagement } from "@/core/reengagement/campaigns.ts";
import { LIBRARY, variantVars } from "@/core/reengagement/library.ts";
import { learnerFacts } from "@/core/reengagement/campaigns.ts";
import { clickPath } from "@/core/paths.ts";
import { translator } from "@/core/i18n/mod.ts";
import { at, campaigns, complete, course, inApp, learner, messages, T0 } from "./helpers.ts";

Deno.test("a campaign sends levels 1–4 on days 5, 12, 20 and 30, then ends and is not restarted", async () => {
  await using t = await openTestApp();
  const c = await course(t);
  const u = await learner(t, c, "re_seq", { steps: 3, last: T0, pet: "Рекс" });
  const run = (day: number) => runReengagement(t.services, { now: at(day) });

  assertEquals((await run(4.9)).started, 0, "not yet five days without activity");
  assertEquals(await campaigns(t, u), []);

  const first = await run(5);
  assertEquals([first.started, first.sent], [1, 1]);
  for (const day of [6, 8, 11.9]) assertEquals((await run(day)).sent, 0, `day ${day}`);
  assertEquals((await run(12)).sent, 1);
  assertEquals((await run(20)).sent, 1);
  const last = await run(30);
  assertEquals([last.sent, last.closed.finished], [1, 1]);

  const msgs = await messages(t, u);
  assertEquals(msgs.map((m) => m.level), [1, 2, 3, 4]);
  assertEquals(msgs.map((m) => m.sent_at?.getTime()), [5, 12, 20, 30].map((d) => at(d).getTime()));
  assertEquals(new Set(msgs.map((m) => m.variant_id)).size, 4, "four different variants");
  for (const m of msgs) {
    const v = LIBRARY.find((x) => x.id === m.variant_id)!;
    assertEquals(v.level, m.level, `${m.variant_id} belongs to its level`);
  }

  // The in-app notifications: one per message, in Russian, links through the tracker.
  const notes = await inApp(t, u);
  assertEquals(notes.map((n) => n.kind), [
    "reengagement.l1",
    "reengagement.l2",
    "reengagement.l3",
    "reengagement.l4",
  ]);
  const facts = await learnerFacts(t.services, u);
  const ru = translator("ru");
  for (const [i, n] of notes.entries()) {
    const v = LIBRARY.find((x) => x.id === msgs[i].variant_id)!;
    assertEquals(n.url, clickPath(msgs[i].click_token!));
    assertEquals(n.id, msgs[i].notification_id);
    assertEquals(n.title, ru(v.title, variantVars(facts)));
    assertEquals(n.body, ru(v.body, variantVars(facts)));
    assertEquals(/[{}]/.test(n.title + n.body), false, "every placeholder filled");
  }

  const [camp] = await campaigns(t, u);
  assertEquals([camp.status, camp.end_reason, camp.notifications_sent], [
    "FINISHED",
    "finished",
    4,
  ]);
  assertEquals(camp.ended_at?.getTime(), at(30).getTime());

  // The original's quirk: a still inactive learner got a new campaign the next morning.
  for (const day of [31, 32, 40, 55]) {
    const r = await run(day);
    assertEquals([r.started, r.sent], [0, 0], `day ${day}`);
  }
  assertEquals((await campaigns(t, u)).length, 1);
  assertEquals((await inApp(t, u)).length, 4);

  // New activity after the end: a new campaign five days later, with a variant not used before.
  await complete(t, u, c, [at(56)]);
  assertEquals((await run(60)).started, 0);
  const again = await run(61);
  assertEquals([again.started, again.sent], [1, 1]);
  const all = await messages(t, u);
  assertEquals(all.length, 5);
  assertEquals(new Set(all.map((m) => m.variant_id)).size, 5, "never the same variant twice");
});

Deno.test("a learner who completes a step ends the campaign (returned); a new one only after they stop again", async () => {
  await using t = await openTestApp();
  const c = await course(t);
  const u = await learner(t, c, "re_back", { steps: 2, last: T0 });
  await runReengagement(t.services, { now: at(5) });
  assertEquals((await messages(t, u)).length, 1);

  await complete(t, u, c, [at(8)]);
  const r = await runReengagement(t.services, { now: at(12) });
  assertEquals([r.closed.returned, r.sent, r.started], [1, 0, 0]);
  const [camp] = await campaigns(t, u);
  assertEquals(camp.status, "RETURNED");
  assertEquals(camp.end_reason, "returned");
  assertEquals(camp.returned_at?.getTime(), at(8).getTime());
  assertEquals((await messages(t, u)).length, 1, "no level 2 after the return");

  // Stopped again on day 8: five days later (day 13) a new campaign starts.
  assertEquals((await runReengagement(t.services, { now: at(12.9) })).started, 0);
  const next = await runReengagement(t.services, { now: at(13) });
  assertEquals([next.started, next.sent], [1, 1]);
  const list = await campaigns(t, u);
  assertEquals(list.map((x) => x.status), ["RETURNED", "ACTIVE"]);
  assertEquals(list[1].last_activity_at.getTime(), at(8).getTime());
  const msgs = await messages(t, u);
  assertNotEquals(msgs[0].variant_id, msgs[1].variant_id);
});

Deno.test("levels missed while the job did not run are skipped, not sent in a burst", async () => {
  await using t = await openTestApp();
  const c = await course(t);
  const u = await learner(t, c, "re_late", { steps: 4, last: T0 });
  const r = await runReengagement(t.services, { now: at(21) });
  assertEquals([r.started, r.sent], [1, 1]);
  assertEquals((await messages(t, u)).map((m) => m.level), [3]);
  assertEquals((await runReengagement(t.services, { now: at(22) })).sent, 0);
  await runReengagement(t.services, { now: at(30) });
  assertEquals((await messages(t, u)).map((m) => m.level), [3, 4]);
  assertEquals((await campaigns(t, u))[0].status, "FINISHED");
});

Deno.test("the daily job run twice the same day sends each message once", async () => {
  await using t = await openTestApp();
  const c = await course(t);
  const a = await learner(t, c, "re_twice_a", { steps: 3, last: T0 });
  const b = await learner(t, c, "re_twice_b", { steps: 3, last: at(-7) });
  const now = at(5).toISOString();
  // Two runs at once (a manual run next to the cron's) and one after them.
  await t.services.jobs.enqueue("reengagement", { now });
  await t.services.jobs.enqueue("reengagement", { now });
  t.services.jobs.start();
  await t.services.jobs.drain({ timeoutMs: 30_000 });
  await t.services.jobs.enqueue("reengagement", { now });
  await t.services.jobs.drain({ timeoutMs: 30_000 });
  for (const u of [a, b]) {
    assertEquals((await campaigns(t, u)).length, 1);
    assertEquals((await messages(t, u)).length, 1);
    assertEquals((await inApp(t, u)).length, 1);
  }
  // b's last activity was 12 days before: the run sent level 2 directly.
  assertEquals((await messages(t, b))[0].level, 2);
  assert((await messages(t, a))[0].level === 1);
});

Deno.test("a retry after a crash between sending and recording sends the same message once", async () => {
  await using t = await openTestApp();
  const c = await course(t);
  const u = await learner(t, c, "re_crash", { steps: 3, last: T0 });
  await runReengagement(t.services, { now: at(5) });
  const [before] = await messages(t, u);
  // As if the process died after `notify` and before the row was marked sent.
  await t.services.db.updateTable("reengagement_notifications")
    .set({ sent_at: null, notification_id: null }).where("id", "=", before.id).execute();
  await t.services.db.updateTable("reengagement_campaigns")
    .set({ level: 1, notifications_sent: 0, next_notification_at: at(5) })
    .where("user_id", "=", u).execute();
  // Meanwhile the learner added a pet: the facts changed, the message must not.
  await t.services.db.insertInto("pets").values({
    id: crypto.randomUUID(),
    owner_id: u,
    name: "Тузик",
  })
    .execute();

  const r = await runReengagement(t.services, { now: at(5.01) });
  assertEquals(r.sent, 1, "recorded as sent by the retry");
  const [after] = await messages(t, u);
  assertEquals([after.variant_id, after.click_token], [before.variant_id, before.click_token]);
  assertEquals(
    after.notification_id,
    before.notification_id,
    "the notification sent the first time",
  );
  assertEquals((await inApp(t, u)).length, 1, "nothing sent twice");
  assertEquals((await campaigns(t, u))[0].level, 2);
});

Deno.test("messages are written in each learner's language, with the pet's name", async () => {
  await using t = await openTestApp();
  const c = await course(t);
  const ruUser = await learner(t, c, "re_lang_ru", { steps: 3, last: T0, pet: "Жучка" });
  const enUser = await learner(t, c, "re_lang_en", {
    steps: 3,
    last: T0,
    pet: "Rex",
    locale: "en",
  });
  // An old campaign used every level-1 variant but the pet's (v01): it is the one left.
  for (const u of [ruUser, enUser]) {
    const old = crypto.randomUUID();
    await t.services.db.insertInto("reengagement_campaigns").values({
      id: old,
      user_id: u,
      status: "FINISHED",
      end_reason: "finished",
      last_activity_at: at(-100),
      ended_at: at(-70),
      created_at: at(-95),
    }).execute();
    // (Stored under levels 1–3 of the old campaign: one message per campaign and level.)
    for (const [i, variant] of ["v02", "v03", "v04"].entries()) {
      await t.services.db.insertInto("reengagement_notifications").values({
        id: crypto.randomUUID(),
        campaign_id: old,
        user_id: u,
        level: i + 1,
        variant_id: variant,
        title: "old",
        body: "old",
        sent_at: at(-90),
      }).execute();
    }
  }
  for (const day of [5, 12, 20, 30]) await runReengagement(t.services, { now: at(day) });

  const [ruNote] = await inApp(t, ruUser);
  assertEquals(ruNote.title, "🐕 Мы скучаем по вам!");
  assertEquals(
    ruNote.body,
    "Жучка\u00a0ждёт новой тренировки. Всего несколько минут сегодня — и вы снова в ритме.",
  );
  const [enNote] = await inApp(t, enUser);
  assertEquals(enNote.title, "🐕 We miss you!");
  assertEquals(
    enNote.body,
    "Rex\u00a0is waiting for the next session. Just a few minutes today and you're back in the rhythm.",
  );

  for (const [u, locale] of [[ruUser, "ru"], [enUser, "en"]] as const) {
    const tr = translator(locale);
    const facts = await learnerFacts(t.services, u);
    const msgs = (await messages(t, u)).filter((m) => m.title !== "old");
    const notes = await inApp(t, u);
    assertEquals(notes.length, 4);
    assertEquals(msgs[0].variant_id, "v01");
    for (const [i, n] of notes.entries()) {
      const v = LIBRARY.find((x) => x.id === msgs[i].variant_id)!;
      assertEquals([n.title, n.body], [
        tr(v.title, variantVars(facts)),
        tr(v.body, variantVars(facts)),
      ]);
      assertEquals(msgs[i].title, n.title, "the stored copy is the text sent");
    }
  }
});
