import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { runAdminIn } from "../helpers/cli.ts";
import { makeJobMix } from "./helpers.ts";
import { getErrorGroup, reportError } from "@/core/error_tracking.ts";
import { SYSTEM } from "@/core/auth/guards.ts";
import type { JobStats } from "@/queues/types.ts";
import { JOB_STATES } from "@/queues/types.ts";

async function fixture(t: TestApp) {
  const mix = await makeJobMix(t);
  const group =
    (await reportError(t.services, { source: "server", error: new Error("page boom") }))!;
  return { mix, groupId: group.groupId };
}

/** The counts the live table shows, read from the page's HTML: queue → state → n. */
function countsFromHtml(html: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const row of html.matchAll(/<tr data-queue="([^"]+)">([\s\S]*?)<\/tr>/g)) {
    const cells: Record<string, number> = {};
    for (const c of row[2].matchAll(/<td class="num" data-state="(\w+)">([\s\S]*?)<\/td>/g)) {
      cells[c[1]] = Number(c[2].replace(/<[^>]+>/g, "").replace(/\D/g, ""));
    }
    out[row[1]] = cells;
  }
  return out;
}

Deno.test("the status page, its JSON and `queue:stats` show the same counts", async () => {
  await using t = await openTestApp();
  await fixture(t);
  const admin = await signIn(t, "ops_admin", "ADMIN");

  const html = await (await admin.fetch("/ops/queues")).text();
  const page = countsFromHtml(html);
  const api = await (await admin.fetch("/api/v1/ops/queues")).json() as JobStats;
  const cli = await runAdminIn(t.services, "queue:stats", "--json");
  assertEquals(cli.code, 0, cli.stderr);
  const fromCli = JSON.parse(cli.stdout) as JobStats;

  const expected: Record<string, Partial<Record<string, number>>> = {
    maintenance: { done: 2, queued: 2, delayed: 1, cancelled: 1 },
    push: { failed: 3, queued: 2 },
  };
  for (const q of fromCli.queues) {
    for (const s of JOB_STATES) {
      const want = expected[q.queue]?.[s] ?? (q.queue === "ops-alert" ? q.counts[s] : 0);
      assertEquals(q.counts[s], want, `cli ${q.queue}/${s}`);
      assertEquals(page[q.queue][s], q.counts[s], `page ${q.queue}/${s}`);
      assertEquals(api.queues.find((x) => x.queue === q.queue)!.counts[s], q.counts[s]);
    }
  }
  // The human table of the CLI has the same numbers in the same row.
  const table = await runAdminIn(t.services, "queue:stats", "--queue", "maintenance");
  assertStringIncludes(table.stdout, "maintenance");
  const row = table.stdout.split("\n").find((l) => l.startsWith("maintenance"))!;
  assertEquals(row.split(/\s+/).slice(1, 8).map(Number), [2, 1, 0, 2, 0, 0, 1]);
});

const PAGES = ["/ops", "/ops/queues", "/ops/queues/push?state=failed", "/ops/errors"];

Deno.test("ops pages: visitors go to login, learners and trainers get 403", async () => {
  await using t = await openTestApp();
  const { mix, groupId } = await fixture(t);
  const all = [...PAGES, `/ops/queues/jobs/${mix.failed[0]}`, `/ops/errors/${groupId}`];
  for (const path of all) {
    const res = await t.fetch(path);
    assertEquals(res.status, 303, path);
    assertEquals(res.headers.get("location"), `/login?next=${encodeURIComponent(path)}`);
  }
  assertEquals((await t.fetch("/api/v1/ops/queues")).status, 401);
  for (const role of ["USER", "TRAINER"] as const) {
    const u = await signIn(t, `ops_${role.toLowerCase()}`, role);
    for (const path of all) assertEquals((await u.fetch(path)).status, 403, `${role} ${path}`);
    const api = await u.fetch("/api/v1/ops/queues");
    assertEquals(api.status, 403);
    assertEquals((await api.json()).error, "forbidden");
    assertEquals(
      (await u.post(`/ops/queues/jobs/${mix.failed[0]}`, { action: "retry" })).status,
      403,
    );
  }
});

Deno.test("a moderator sees every ops page without action buttons, and cannot act (403, nothing changes)", async () => {
  await using t = await openTestApp();
  const { mix, groupId } = await fixture(t);
  const mod = await signIn(t, "ops_mod", "MODERATOR");
  for (
    const path of [
      ...PAGES,
      `/ops/queues/jobs/${mix.failed[0]}`,
      `/ops/errors/${groupId}`,
      `/ops/queues/push?state=failed&confirm=clean`,
      `/ops/queues/jobs/${mix.failed[0]}?confirm=remove`,
    ]
  ) {
    const res = await mod.fetch(path);
    assertEquals(res.status, 200, path);
    const html = await res.text();
    assert(!html.includes('name="action"'), `no action forms on ${path}`);
    assert(!html.includes("confirm="), `no links to confirmations on ${path}`);
  }
  assertEquals((await mod.fetch("/api/v1/ops/queues")).status, 200);

  const job = `/ops/queues/jobs/${mix.failed[0]}`;
  assertEquals((await mod.post(job, { action: "retry" })).status, 403);
  assertEquals((await mod.post(job, { action: "remove" })).status, 403);
  assertEquals(
    (await mod.post("/ops/queues/push", { action: "clean", state: "failed" })).status,
    403,
  );
  assertEquals(
    (await mod.post("/ops/queues/push", { action: "retryAll", state: "failed" })).status,
    403,
  );
  assertEquals((await mod.post("/ops/queues/push", { action: "pause" })).status, 403);
  assertEquals((await mod.post(`/ops/errors/${groupId}`, { action: "resolve" })).status, 403);

  const stats = await t.services.jobs.stats();
  const push = stats.queues.find((q) => q.queue === "push")!;
  assertEquals([push.counts.failed, push.paused], [3, false]);
  assertEquals((await t.services.jobs.get(mix.failed[0]))!.state, "failed");
  assertEquals((await getErrorGroup(t.services, SYSTEM, groupId)).status, "new");
});

Deno.test("an admin retries, deletes, cleans, retries all, pauses and resumes; CSRF is required", async () => {
  await using t = await openTestApp();
  const { mix, groupId } = await fixture(t);
  const admin = await signIn(t, "ops_boss", "ADMIN");
  const jobs = t.services.jobs;

  // Without the token nothing happens.
  const noCsrf = await t.fetch(`/ops/queues/jobs/${mix.failed[0]}`, {
    method: "POST",
    body: new URLSearchParams({ action: "retry" }),
    headers: admin.headers({ "content-type": "application/x-www-form-urlencoded" }),
  });
  assertEquals(noCsrf.status, 403);
  assertEquals((await jobs.get(mix.failed[0]))!.state, "failed");

  // The job page offers retry and a delete that asks first.
  const page = await (await admin.fetch(`/ops/queues/jobs/${mix.failed[0]}`)).text();
  assertStringIncludes(page, 'value="retry"');
  assertStringIncludes(page, "push failed for user u");
  assertStringIncludes(page, `?confirm=remove`);
  const confirm = await (await admin.fetch(`/ops/queues/jobs/${mix.failed[1]}?confirm=remove`))
    .text();
  assertStringIncludes(confirm, 'value="remove"');

  let res = await admin.post(`/ops/queues/jobs/${mix.failed[0]}`, { action: "retry" });
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("location"), `/ops/queues/jobs/${mix.failed[0]}?done=retry`);
  assertEquals((await jobs.get(mix.failed[0]))!.state, "queued");

  res = await admin.post(`/ops/queues/jobs/${mix.failed[1]}`, { action: "remove" });
  assertEquals(res.status, 303);
  assertEquals(await jobs.get(mix.failed[1]), null);

  // A bulk action asks first, then runs.
  const ask = await (await admin.fetch("/ops/queues/maintenance?state=done&confirm=clean")).text();
  assertStringIncludes(ask, 'value="clean"');
  res = await admin.post("/ops/queues/maintenance", { action: "clean", state: "done" });
  assertEquals(res.headers.get("location"), "/ops/queues/maintenance?state=done&done=clean&n=2");
  res = await admin.post("/ops/queues/all", { action: "retryAll", state: "failed" });
  assertEquals(res.headers.get("location"), "/ops/queues/all?state=failed&done=retryAll&n=1");
  const after = await jobs.stats();
  const q = (name: string) => after.queues.find((x) => x.queue === name)!;
  assertEquals(q("maintenance").counts.done, 0);
  assertEquals(q("push").counts.failed, 0);
  assertEquals(q("push").counts.queued, 4);

  // Active jobs cannot be cleaned; an unknown action or queue is refused.
  assertEquals(
    (await admin.post("/ops/queues/push", { action: "clean", state: "active" })).status,
    400,
  );
  assertEquals((await admin.post("/ops/queues/push", { action: "explode" })).status, 400);
  assertEquals((await admin.post("/ops/queues/nope", { action: "pause" })).status, 404);

  res = await admin.post("/ops/queues/push", { action: "pause" });
  assertEquals(res.headers.get("location"), "/ops/queues?done=pause");
  assertEquals(await jobs.isPaused("push"), true);
  assertStringIncludes(await (await admin.fetch("/ops/queues/push")).text(), 'value="resume"');
  await admin.post("/ops/queues/push", { action: "resume" });
  assertEquals(await jobs.isPaused("push"), false);

  // Error groups: resolve, ignore, reopen.
  for (
    const [action, status] of [["resolve", "resolved"], ["ignore", "ignored"], ["reopen", "new"]]
  ) {
    res = await admin.post(`/ops/errors/${groupId}`, { action });
    assertEquals(res.status, 303);
    assertEquals((await getErrorGroup(t.services, SYSTEM, groupId)).status, status);
  }
  assertEquals((await admin.post(`/ops/errors/${groupId}`, { action: "delete" })).status, 400);
  // Retried jobs reached the (stopped) runtime's listener: let it park them before KV closes.
  await new Promise((r) => setTimeout(r, 200));
});

Deno.test("ops pages: unknown ids are 404; filters and pages render in both languages", async () => {
  await using t = await openTestApp();
  const { groupId } = await fixture(t);
  const admin = await signIn(t, "ops_lang", "ADMIN");
  assertEquals((await admin.fetch("/ops/queues/jobs/nope")).status, 404);
  assertEquals((await admin.fetch("/ops/errors/01a21b39-c715-7d09-b244-02754bc615d0")).status, 404);
  assertEquals((await admin.fetch("/ops/errors/not-an-id")).status, 404);
  assertEquals((await admin.fetch("/ops/queues/unknown-queue")).status, 404);

  const list = await (await admin.fetch("/ops/errors?status=new&source=server&q=boom")).text();
  assertStringIncludes(list, `/ops/errors/${groupId}`);
  const none = await (await admin.fetch("/ops/errors?source=client")).text();
  assert(!none.includes(`/ops/errors/${groupId}`));

  const ru = await (await admin.fetch("/ops")).text();
  assertStringIncludes(ru, "Обзор");
  assertStringIncludes(ru, t.services.dbKind === "pglite" ? "PGlite" : "PostgreSQL");
  await t.services.db.updateTable("users").set({ locale: "en" }).where("id", "=", admin.id)
    .execute();
  for (const path of [...PAGES, `/ops/errors/${groupId}`]) {
    const html = await (await admin.fetch(path)).text();
    assertStringIncludes(html, "Overview", path);
    assert(!html.includes("ops."), `no untranslated keys on ${path}`);
  }
});
