import { assert, assertEquals, assertMatch, assertRejects } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { sql } from "kysely";
import {
  CLIENT_ERROR_RULE,
  getErrorGroup,
  listErrorGroups,
  normalizeMessage,
  reportError,
  setErrorGroupStatus,
  topFrame,
} from "@/core/error_tracking.ts";
import { SYSTEM } from "@/core/auth/guards.ts";
import { ForbiddenError } from "@/core/auth/guards.ts";
import { makeJobMix } from "./helpers.ts";

async function groups(t: TestApp) {
  return await t.services.db.selectFrom("error_groups").selectAll().orderBy("created_at").execute();
}

async function reportCount(t: TestApp): Promise<number> {
  const r = await t.services.db.selectFrom("error_reports")
    .select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return r.n;
}

async function alerts(t: TestApp) {
  const page = await t.services.jobs.list({ queue: "ops-alert", state: "queued" });
  return page.jobs.map((j) => j.payload as { groupId: string; reason: string });
}

Deno.test("fingerprint: numbers, ids, UUIDs and hex go; the top frame loses line numbers and hashes", () => {
  assertEquals(
    normalizeMessage(
      "user 42 not found in 3fa85f64-5717-4562-b3fc-2c963f66afa6 (0xdeadbeef, a1b2c3d4e5f6, tok_ab12cd34ef56gh78)",
    ),
    "user <n> not found in <uuid> (<hex>, <hex>, <id>)",
  );
  assertEquals(
    topFrame(
      "TypeError: x\n    at render (http://localhost:8000/_fresh/js/island-Timer-A1B2C3D4.js?v=3:1:2345)",
    ),
    "render (/_fresh/js/island-Timer.js)",
  );
  // Library frames are skipped for the first frame of our code.
  assertEquals(
    topFrame(
      "Error: x\n    at parse (file:///app/node_modules/.deno/zod/index.js:10:3)\n" +
        "    at saveStep (file:///app/core/steps.ts:88:11)",
    ),
    "saveStep (/app/core/steps.ts)",
  );
  assertEquals(topFrame("no frames here"), null);
});

Deno.test("errors that differ only by an id are one group; a new group enqueues one ops-alert", async () => {
  await using t = await openTestApp();
  const a = await reportError(t.services, {
    source: "server",
    error: new Error("order 01a21b39-c715-7d09-b244-02754bc615d0 of user 17 failed"),
  });
  const b = await reportError(t.services, {
    source: "server",
    error: new Error("order 01a21b39-c716-724d-883c-3d26add9d3cd of user 42 failed"),
  });
  const other = await reportError(t.services, { source: "server", error: new RangeError("x") });
  assert(a && b && other);
  assertEquals(a.groupId, b.groupId);
  assertEquals([a.isNew, b.isNew], [true, false]);
  assert(other.groupId !== a.groupId);
  const g = (await groups(t)).find((r) => r.id === a.groupId)!;
  assertEquals(g.count, 2);
  assertEquals(g.status, "new");
  assertEquals(g.message, "order 01a21b39-c715-7d09-b244-02754bc615d0 of user 17 failed");
  assertEquals(await reportCount(t), 3, "every occurrence is kept with its own message");
  const sent = await alerts(t);
  assertEquals(sent.filter((p) => p.groupId === a.groupId), [{
    groupId: a.groupId,
    reason: "new",
  }]);
  assertEquals(sent.length, 2, "one alert per new group, none for a repeat");
});

Deno.test("a resolved group that happens again is regressed and alerts; an ignored one stays ignored", async () => {
  await using t = await openTestApp();
  const first = (await reportError(t.services, { source: "job", error: new Error("flaky 1") }))!;
  await setErrorGroupStatus(t.services, SYSTEM, first.groupId, "resolve");
  let g = await getErrorGroup(t.services, SYSTEM, first.groupId);
  assertEquals(g.status, "resolved");
  assert(g.resolvedAt);

  const again = (await reportError(t.services, { source: "job", error: new Error("flaky 2") }))!;
  assertEquals(again.groupId, first.groupId);
  assertEquals(again.regressed, true);
  g = await getErrorGroup(t.services, SYSTEM, first.groupId);
  assertEquals(g.status, "regressed");
  assertEquals(g.count, 2);
  assertEquals(
    (await alerts(t)).filter((p) => p.groupId === first.groupId).map((p) => p.reason).sort(),
    ["new", "regressed"],
  );
  // A third occurrence is still "regressed" and does not alert again.
  const third = (await reportError(t.services, { source: "job", error: new Error("flaky 3") }))!;
  assertEquals(third.regressed, false);
  assertEquals((await alerts(t)).length, 2);

  const ign = (await reportError(t.services, { source: "bot", error: new Error("noise") }))!;
  await setErrorGroupStatus(t.services, SYSTEM, ign.groupId, "ignore");
  await reportError(t.services, { source: "bot", error: new Error("noise") });
  assertEquals((await getErrorGroup(t.services, SYSTEM, ign.groupId)).status, "ignored");
});

Deno.test("an unhandled error in a request is tracked with its context (url, route, request id)", async () => {
  await using t = await openTestApp();
  await sql`alter table courses rename to courses_gone`.execute(t.services.db);
  try {
    const res = await t.fetch("/courses?q=x", { headers: { "x-request-id": "req-tracked-1" } });
    assertEquals(res.status, 500);
  } finally {
    await sql`alter table courses_gone rename to courses`.execute(t.services.db);
  }
  // onError does not wait for the report; give it a moment.
  let row;
  for (let i = 0; i < 100 && !row; i++) {
    row = await t.services.db.selectFrom("error_reports")
      .innerJoin("error_groups", "error_groups.id", "error_reports.group_id")
      .select(["error_groups.source", "error_reports.url", "error_reports.request_id", "context"])
      .where("error_reports.request_id", "=", "req-tracked-1").executeTakeFirst();
    if (!row) await new Promise((r) => setTimeout(r, 20));
  }
  assert(row, "the 500 was reported");
  assertEquals(row.source, "server");
  assertEquals(row.url, "/courses?q=x");
  assertEquals((row.context as Record<string, unknown>).route, "/courses");
});

Deno.test("a job that fails its last attempt is tracked; its retries with other ids are one group", async () => {
  await using t = await openTestApp();
  await makeJobMix(t); // three test-fail jobs for users u0, u1, u2
  const { groups: found } = await listErrorGroups(t.services, SYSTEM, { source: "job" });
  const g = found.find((x) => x.message.startsWith("push failed for user"));
  assert(g, "the job failure is in error tracking");
  assertEquals(g.count, 3);
  const detail = await getErrorGroup(t.services, SYSTEM, g.id);
  assertEquals((detail.reports[0].context as { job: string }).job, "test-fail");
});

Deno.test("listing filters by status, source and text; only admins change a status", async () => {
  await using t = await openTestApp();
  const a =
    (await reportError(t.services, { source: "client", error: new Error("Widget exploded") }))!;
  await reportError(t.services, { source: "server", error: new Error("Database timeout") });
  await setErrorGroupStatus(t.services, SYSTEM, a.groupId, "resolve");
  const mod = await signIn(t, "err_mod", "MODERATOR");
  const modUser = { ...mod, locale: "ru" as const, timeZone: "UTC", sessionVersion: 1 };
  const bySource = await listErrorGroups(t.services, modUser, { source: "client" });
  assertEquals(bySource.groups.map((g) => g.message), ["Widget exploded"]);
  assertEquals((await listErrorGroups(t.services, modUser, { status: "new" })).total, 1);
  assertEquals((await listErrorGroups(t.services, modUser, { q: "TIMEOUT" })).total, 1);
  assertEquals((await listErrorGroups(t.services, modUser, { q: "100%_" })).total, 0);
  await assertRejects(
    () => setErrorGroupStatus(t.services, modUser, a.groupId, "reopen"),
    ForbiddenError,
  );
  assertEquals((await getErrorGroup(t.services, modUser, a.groupId)).status, "resolved");
});

// ------------------------------------------------------------ client errors

const ORIGIN = "http://localhost:8000";

function beacon(t: TestApp, body: string, headers: Record<string, string> = {}) {
  return t.fetch("/api/v1/client-errors", {
    method: "POST",
    body,
    headers: { origin: ORIGIN, "content-type": "text/plain;charset=UTF-8", ...headers },
  });
}

const goodReport = {
  kind: "error",
  type: "TypeError",
  message: "Cannot read properties of null (reading 'focus')",
  stack: "TypeError: Cannot read properties of null\n    at onClick (" + ORIGIN +
    "/_fresh/js/island-Timer-ABCDEF12.js:1:99)",
  url: ORIGIN + "/courses/eto-baza",
};

Deno.test("client errors: a same-origin beacon is stored with the user agent and user", async () => {
  await using t = await openTestApp();
  const user = await signIn(t, "beacon_user", "USER");
  const res = await t.fetch("/api/v1/client-errors", {
    method: "POST",
    body: JSON.stringify(goodReport),
    headers: user.headers({
      "sec-fetch-site": "same-origin",
      origin: ORIGIN,
      "user-agent": "TestBrowser/1.0",
    }),
  });
  assertEquals(res.status, 204);
  const { groups: found } = await listErrorGroups(t.services, SYSTEM, { source: "client" });
  assertEquals(found.length, 1);
  assertEquals(found[0].type, "TypeError");
  assertEquals(found[0].topFrame, "onClick (/_fresh/js/island-Timer.js)");
  const r = (await getErrorGroup(t.services, SYSTEM, found[0].id)).reports[0];
  assertEquals([r.userAgent, r.userId, r.url], ["TestBrowser/1.0", user.id, goodReport.url]);
  assertMatch(r.requestId ?? "", /\S/);
  // window.onerror without an Error object: source, line and column make the frame.
  const bare = await beacon(
    t,
    JSON.stringify({ message: "Script failed", source: ORIGIN + "/x.js", line: 3, column: 7 }),
    { origin: "", "sec-fetch-site": "same-origin" },
  );
  assertEquals(bare.status, 204);
  const g2 = (await listErrorGroups(t.services, SYSTEM, { q: "Script failed" })).groups[0];
  assertEquals(g2.topFrame, "/x.js");
});

Deno.test("client errors: cross-site, oversized and malformed reports are refused and not stored", async () => {
  await using t = await openTestApp();
  const body = JSON.stringify(goodReport);
  assertEquals((await beacon(t, body, { origin: "https://evil.example" })).status, 403);
  assertEquals((await beacon(t, body, { origin: "", "sec-fetch-site": "cross-site" })).status, 403);
  assertEquals((await beacon(t, body, { origin: "" })).status, 403, "no Origin, no Sec-Fetch-Site");

  const big = JSON.stringify({ ...goodReport, stack: "x".repeat(17 * 1024) });
  assertEquals((await beacon(t, big)).status, 413);
  // A body that lies about its size (no content-length) is cut off too.
  const stream = new Blob([big]).stream();
  const chunked = await t.fetch("/api/v1/client-errors", {
    method: "POST",
    body: stream,
    headers: { origin: ORIGIN },
  });
  assertEquals(chunked.status, 413);

  assertEquals((await beacon(t, "{not json")).status, 400);
  const invalid = await beacon(t, JSON.stringify({ message: "", line: -1 }));
  assertEquals(invalid.status, 400);
  const j = await invalid.json();
  assert(j.fields.message && j.fields.line, "field messages for the bad fields");
  assertEquals((await beacon(t, JSON.stringify([1, 2]))).status, 400);

  assertEquals(await reportCount(t), 0);
  assertEquals((await groups(t)).length, 0);
});

Deno.test("client errors: a flooding sender gets 429 and nothing more is stored", async () => {
  await using t = await openTestApp();
  const statuses: number[] = [];
  for (let i = 0; i < CLIENT_ERROR_RULE.limit + 3; i++) {
    const res = await beacon(t, JSON.stringify({ ...goodReport, message: `flood ${i}` }));
    statuses.push(res.status);
    if (res.status === 429) assert(Number(res.headers.get("retry-after")) > 0);
  }
  assertEquals(statuses.filter((s) => s === 204).length, CLIENT_ERROR_RULE.limit);
  assertEquals(statuses.slice(CLIENT_ERROR_RULE.limit), [429, 429, 429]);
  // One group (the messages differ by a number) that counted only the accepted ones.
  const all = await groups(t);
  assertEquals(all.length, 1);
  assertEquals(all[0].count, CLIENT_ERROR_RULE.limit);
  // A burst stores a sample of its occurrences, not every one.
  assert(await reportCount(t) <= CLIENT_ERROR_RULE.limit);
});
