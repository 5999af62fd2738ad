/**
 * /ops/campaigns: per level, the messages of the last 30 days, those opened
 * through their tracked link, and those followed by a completed step within
 * 7 days; the campaigns running now and those that ended. Staff only.
 */
import { assertEquals, assertRejects, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { runReengagement } from "@/core/reengagement/campaigns.ts";
import { campaignFigures } from "@/core/reengagement/figures.ts";
import { clickPath } from "@/core/paths.ts";
import { NBSP } from "@/core/i18n/mod.ts";
import { at, complete, course, learner, messages } from "./helpers.ts";

Deno.test("/ops/campaigns counts sends, clicks and returns within 7 days per level, for staff only", async () => {
  await using t = await openTestApp();
  const now = new Date();
  const ago = (days: number) => at(-days, now);
  const c = await course(t);
  const run = (daysAgo: number) => runReengagement(t.services, { now: ago(daysAgo) });

  // e: messaged 35 days ago (outside the window), then disabled.
  const e = await learner(t, c, "ops_e", { last: ago(40) });
  await run(35);
  await t.services.db.updateTable("users").set({ disabled_at: ago(30) }).where("id", "=", e)
    .execute();
  // f: messaged 20 days ago, back 17 days after it (too late to count for the message).
  const f = await learner(t, c, "ops_f", { last: ago(26) });
  await run(20);
  await complete(t, f, c, [ago(3)]);
  // a, b, x: level 1 yesterday; d: inactive 12 days, so level 2 yesterday.
  const a = await learner(t, c, "ops_a", { last: ago(6) });
  const b = await learner(t, c, "ops_b", { last: ago(6) });
  await learner(t, c, "ops_x", { last: ago(6) });
  await learner(t, c, "ops_d", { last: ago(13) });
  await run(1);
  // a opens the message; b trains again half a day after it.
  const [msgA] = await messages(t, a);
  assertEquals((await t.fetch(clickPath(msgA.click_token!))).status, 303);
  await complete(t, b, c, [ago(0.5)]);

  const admin = await signIn(t, "ops_admin", "ADMIN");
  const actor = {
    id: admin.id,
    username: admin.username,
    role: admin.role,
    locale: "ru" as const,
    timeZone: "Europe/Moscow",
    sessionVersion: 0,
  };
  const figures = await campaignFigures(t.services, actor, now);
  assertEquals(
    figures.levels.map((l) => [l.level, l.day, l.sent, l.clicked, l.returned]),
    [[1, 5, 4, 1, 1], [2, 12, 1, 0, 0], [3, 20, 0, 0, 0], [4, 30, 0, 0, 0]],
  );
  assertEquals([figures.levels[0].clickRate, figures.levels[0].returnRate], [0.25, 0.25]);
  assertEquals([figures.total.sent, figures.total.clicked, figures.total.returned], [5, 1, 1]);
  assertEquals(figures.activeTotal, 4);
  assertEquals(figures.active, [{ level: 2, count: 3 }, { level: 3, count: 1 }]);
  assertEquals(figures.ended, [{ reason: "disabled", count: 1 }, { reason: "returned", count: 1 }]);

  const moderator = await signIn(t, "ops_moderator", "MODERATOR");
  const res = await moderator.fetch("/ops/campaigns");
  assertEquals(res.status, 200);
  const html = await res.text();
  const row = (level: string) =>
    new RegExp(`<tr data-level="${level}">(.*?)</tr>`, "s").exec(html)?.[1] ?? "";
  const cell = (level: string, col: string) =>
    new RegExp(`data-col="${col}">([^<]*)<`).exec(row(level))?.[1];
  assertEquals(
    ["sent", "clicked", "clickRate", "returned", "returnRate"].map((k) => cell("1", k)),
    ["4", "1", `25${NBSP}%`, "1", `25${NBSP}%`],
  );
  assertEquals(cell("2", "sent"), "1");
  assertEquals(cell("total", "clickRate"), `20${NBSP}%`);
  assertStringIncludes(html, `data-active="4"`);
  assertStringIncludes(html, "<caption");
  assertStringIncludes(html, `<th scope="col"`);
  assertStringIncludes(html, `href="/ops/campaigns" aria-current="page"`);

  const learnerSession = await signIn(t, "ops_learner");
  assertEquals((await learnerSession.fetch("/ops/campaigns")).status, 403);
  // core/ checks too, whatever the route does.
  await assertRejects(() =>
    campaignFigures(t.services, { ...actor, id: learnerSession.id, role: "USER" }, now)
  );
  await assertRejects(() => campaignFigures(t.services, null, now));
  const trainer = await signIn(t, "ops_trainer", "TRAINER");
  assertEquals((await trainer.fetch("/ops/campaigns")).status, 403);
  const visitor = await t.fetch("/ops/campaigns");
  assertEquals(visitor.status, 303);
  assertStringIncludes(visitor.headers.get("location") ?? "", "/login");
});

Deno.test("an admin may queue a run from /ops/campaigns; a moderator only looks", async () => {
  await using t = await openTestApp();
  const admin = await signIn(t, "ops_run_admin", "ADMIN");
  const page = await (await admin.fetch("/ops/campaigns")).text();
  assertStringIncludes(page, `<form method="post" action="/ops/campaigns"`);
  const res = await admin.post("/ops/campaigns", {});
  assertEquals([res.status, res.headers.get("location")], [303, "/ops/campaigns?done=run"]);
  await admin.post("/ops/campaigns", {}); // the same minute: one job
  const queued = await t.services.jobs.list({ queue: "reengagement", state: "queued" });
  assertEquals(queued.jobs.map((j) => j.name), ["reengagement"]);
  assertStringIncludes(
    await (await admin.fetch("/ops/campaigns?done=run")).text(),
    "Запуск поставлен в очередь",
  );

  const moderator = await signIn(t, "ops_run_moderator", "MODERATOR");
  assertEquals(
    (await moderator.fetch("/ops/campaigns")).status,
    200,
  );
  assertEquals((await moderator.post("/ops/campaigns", {})).status, 403);
  assertEquals(
    (await (await moderator.fetch("/ops/campaigns")).text()).includes(`action="/ops/campaigns"`),
    false,
    "no button for a moderator",
  );
});
