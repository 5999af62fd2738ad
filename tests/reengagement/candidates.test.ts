/**
 * Who gets a campaign: at least `minSteps` completed steps, one of them
 * within `lookbackDays`, no activity (completed or started) for `days[0]`
 * days, an enabled account, news wanted on some channel — all from
 * `config.reengagement`.
 */
import { assertEquals } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { findCandidates, runReengagement } from "@/core/reengagement/campaigns.ts";
import { setPrefs } from "@/core/notification_prefs.ts";
import { newId } from "@/platform/ids.ts";
import { at, campaigns, course, learner, messages, T0 } from "./helpers.ts";

Deno.test("candidates: enough completed steps, inactive for days[0], trained within the lookback, not disabled", async () => {
  await using t = await openTestApp();
  const c = await course(t);
  const ok = await learner(t, c, "cand_ok", { steps: 2, last: T0 });
  await learner(t, c, "cand_one_step", { steps: 1, last: T0 });
  const recent = await learner(t, c, "cand_recent", { steps: 5, last: at(1) });
  await learner(t, c, "cand_long_ago", { steps: 5, last: at(-56) });
  const disabled = await learner(t, c, "cand_disabled", { steps: 5, last: T0 });
  await t.services.db.updateTable("users").set({ disabled_at: T0 })
    .where("id", "=", disabled).execute();

  const ids = async (now: Date) => (await findCandidates(t.services, now)).map((x) => x.userId);
  assertEquals(await ids(at(4.99)), [], "nobody is five days inactive yet");
  const found = await findCandidates(t.services, at(5));
  assertEquals(found.map((x) => x.userId), [ok]);
  assertEquals(found[0].completedSteps, 2);
  assertEquals(found[0].lastActivityAt.getTime(), T0.getTime());
  // Day 6: "recent" is now five days inactive; "long ago" last trained 62 days before (> 60).
  const day6 = await ids(at(6));
  assertEquals(day6.sort(), [ok, recent].sort());
  // Paged by user id (the run walks every page, so opted-out learners hide nobody).
  const [p1] = await findCandidates(t.services, at(6), { limit: 1 });
  const rest = await findCandidates(t.services, at(6), { after: p1.userId, limit: 1 });
  assertEquals([p1.userId, rest[0].userId], [ok, recent].sort());
  assertEquals(await findCandidates(t.services, at(6), { after: rest[0].userId }), []);
});

Deno.test("a started step counts as activity: the inactivity is counted from it", async () => {
  await using t = await openTestApp();
  const c = await course(t);
  const u = await learner(t, c, "cand_started", { steps: 3, last: T0 });
  // Day 3: the learner opened the next step and started its timer, without finishing it.
  const ut = await t.services.db.selectFrom("user_trainings").select("id")
    .where("user_id", "=", u).executeTakeFirstOrThrow();
  await t.services.db.insertInto("user_steps").values({
    id: newId(),
    user_training_id: ut.id,
    step_on_day_id: c.days[0].stepOnDayIds[3],
    user_id: u,
    status: "IN_PROGRESS",
    paused: true,
    timer_started_at: at(3),
    created_at: at(3),
  }).execute();
  assertEquals((await findCandidates(t.services, at(7))).length, 0);
  const [cand] = await findCandidates(t.services, at(8));
  assertEquals(cand.lastActivityAt.getTime(), at(3).getTime());
});

Deno.test("a learner who turned news off on every channel gets no campaign; news by email alone is enough", async () => {
  await using t = await openTestApp();
  const c = await course(t);
  const off = await learner(t, c, "cand_off", { steps: 3, last: T0 });
  const email = await learner(t, c, "cand_email", { steps: 3, last: T0 });
  await setPrefs(t.services, off, { "news.push": false, "news.telegram": false });
  await setPrefs(t.services, email, {
    "news.push": false,
    "news.telegram": false,
    "news.email": true,
  });
  const r = await runReengagement(t.services, { now: at(5) });
  assertEquals([r.started, r.sent], [1, 1]);
  assertEquals(await campaigns(t, off), []);
  assertEquals((await messages(t, email)).length, 1);

  // Turning news off in the middle of a campaign ends it at the next due message.
  await setPrefs(t.services, email, { "news.email": false });
  const later = await runReengagement(t.services, { now: at(12) });
  assertEquals([later.sent, later.closed.opted_out], [0, 1]);
  const [camp] = await campaigns(t, email);
  assertEquals([camp.status, camp.end_reason], ["UNSUBSCRIBED", "opted_out"]);
  assertEquals((await messages(t, email)).length, 1);
});

Deno.test("a disabled account's running campaign ends and sends nothing more", async () => {
  await using t = await openTestApp();
  const c = await course(t);
  const u = await learner(t, c, "cand_gone", { steps: 3, last: T0 });
  await runReengagement(t.services, { now: at(5) });
  await t.services.db.updateTable("users").set({ disabled_at: at(6) }).where("id", "=", u)
    .execute();
  const r = await runReengagement(t.services, { now: at(12) });
  assertEquals([r.sent, r.closed.disabled], [0, 1]);
  assertEquals((await campaigns(t, u))[0].end_reason, "disabled");
});

Deno.test("the rules come from the configuration: minimum steps, days, switched off", async () => {
  {
    await using t = await openTestApp({ REENGAGEMENT_MIN_STEPS: "4", REENGAGEMENT_DAYS: "3,7" });
    const c = await course(t);
    const three = await learner(t, c, "cfg_three", { steps: 3, last: T0 });
    const four = await learner(t, c, "cfg_four", { steps: 4, last: T0 });
    assertEquals((await runReengagement(t.services, { now: at(3) })).sent, 1);
    assertEquals(await campaigns(t, three), []);
    await runReengagement(t.services, { now: at(7) });
    assertEquals((await messages(t, four)).map((m) => m.level), [1, 2]);
    const [camp] = await campaigns(t, four);
    assertEquals([camp.status, camp.end_reason], ["FINISHED", "finished"], "two levels only");
  }
  {
    // Days shortened under a running campaign that was due to send level 3: it ends, silently.
    await using t = await openTestApp({ REENGAGEMENT_DAYS: "3,7" });
    const c = await course(t);
    const u = await learner(t, c, "cfg_short", { steps: 3, last: T0 });
    await t.services.db.insertInto("reengagement_campaigns").values({
      id: newId(),
      user_id: u,
      level: 3,
      last_activity_at: T0,
      next_notification_at: at(20),
      created_at: at(5),
    }).execute();
    const r = await runReengagement(t.services, { now: at(21) });
    assertEquals([r.sent, r.closed.finished], [0, 1]);
    assertEquals((await campaigns(t, u))[0].status, "FINISHED");
  }
  {
    await using t = await openTestApp({ REENGAGEMENT_ENABLED: "false" });
    const c = await course(t);
    const u = await learner(t, c, "cfg_off", { steps: 3, last: T0 });
    const r = await runReengagement(t.services, { now: at(5) });
    assertEquals([r.started, r.sent], [0, 0]);
    assertEquals(await campaigns(t, u), []);
  }
});
