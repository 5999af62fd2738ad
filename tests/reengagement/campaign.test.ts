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
