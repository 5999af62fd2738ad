/**
 * Every admin command, in process (the way the server runs a command that
 * came through the admin channel): the happy path, and bad usage exiting 2
 * with a message that says what is wrong. tests/cli/cli.test.ts and
 * channel.test.ts run the real binary.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { runAdminIn } from "../helpers/cli.ts";
import { seedDemo } from "@/core/demo/seed.ts";
import { newId } from "@/platform/ids.ts";
import { reportError } from "@/core/error_tracking.ts";
import { adminCommands } from "@/cli/admin.ts";
import { makeJobMix } from "../ops/helpers.ts";

async function usage(t: TestApp, message: string, ...argv: string[]) {
  const r = await runAdminIn(t.services, ...argv);
  assertEquals(r.code, 2, `${argv.join(" ")} → ${r.stdout} ${r.stderr}`);
  assertStringIncludes(r.stderr, message);
  assertStringIncludes(r.stderr, `Usage: gafus admin ${argv[0]}`);
}

async function ok(t: TestApp, ...argv: string[]) {
  const r = await runAdminIn(t.services, ...argv);
  assertEquals(r.code, 0, `${argv.join(" ")}: ${r.stderr}`);
  return r;
}

async function fails(t: TestApp, message: string, ...argv: string[]) {
  const r = await runAdminIn(t.services, ...argv);
  assertEquals(r.code, 1, `${argv.join(" ")} → ${r.stdout}`);
  assertStringIncludes(r.stderr, message);
}

Deno.test("every admin command answers --help with its usage", async () => {
  await using t = await openTestApp();
  for (const cmd of adminCommands) {
    const r = await ok(t, cmd.name, "--help");
    assertStringIncludes(r.stdout, `Usage: gafus admin ${cmd.name}`);
    assertStringIncludes(r.stdout, cmd.summary);
  }
  const all = await ok(t, "--help");
  for (const cmd of adminCommands) assertStringIncludes(all.stdout, cmd.name);
  const none = await runAdminIn(t.services);
  assertEquals(none.code, 2);
});

Deno.test("user:show, user:role, user:disable, user:reset-link, user:delete", async (s) => {
  await using t = await openTestApp();
  await seedDemo(t.services.db, { print: () => {} });
  await ok(t, "user:create", "--username", "dora", "--password", "Secret123", "--email", "d@x.org");

  await s.step("user:show", async () => {
    const r = await ok(t, "user:show", "dora");
    assertMatch(r.stdout, /role:\s+USER/);
    assertMatch(r.stdout, /status:\s+active/);
    const j = JSON.parse((await ok(t, "user:show", "--username", "trainer", "--json")).stdout);
    assertEquals(j.role, "TRAINER");
    assert(j.authoredCourses >= 1);
    await fails(t, "no user 'ghost'", "user:show", "ghost");
    await usage(t, "say which user", "user:show");
    await usage(t, "unexpected argument 'b'", "user:show", "a", "b");
    await usage(t, "give the user once", "user:show", "a", "--username", "b");
  });

  await s.step("user:role", async () => {
    const r = await ok(t, "user:role", "dora", "--role", "trainer");
    assertStringIncludes(r.stdout, "dora: USER → TRAINER");
    assertStringIncludes((await ok(t, "user:role", "dora", "--role", "TRAINER")).stdout, "already");
    const row = await t.services.db.selectFrom("users").select("role")
      .where("username", "=", "dora").executeTakeFirstOrThrow();
    assertEquals(row.role, "TRAINER");
    await usage(t, "--role is required", "user:role", "dora");
    await usage(t, "--role must be one of", "user:role", "dora", "--role", "KING");
    await fails(t, "no user 'ghost'", "user:role", "ghost", "--role", "USER");
  });

  await s.step("user:disable ends sessions; --enable undoes it", async () => {
    const before = await t.services.db.selectFrom("users").select("session_version")
      .where("username", "=", "dora").executeTakeFirstOrThrow();
    assertStringIncludes((await ok(t, "user:disable", "dora")).stdout, "is disabled");
    const after = await t.services.db.selectFrom("users").select(["session_version", "disabled_at"])
      .where("username", "=", "dora").executeTakeFirstOrThrow();
    assertEquals(after.session_version, before.session_version + 1);
    assert(after.disabled_at);
    assertStringIncludes((await ok(t, "user:disable", "dora")).stdout, "already disabled");
    await fails(t, "is disabled", "user:reset-link", "dora");
    const j = JSON.parse((await ok(t, "user:disable", "dora", "--enable", "--json")).stdout);
    assertEquals([j.state, j.changed], ["enabled", true]);
    await usage(t, "say which user", "user:disable");
  });

  await s.step("user:reset-link", async () => {
    const r = await ok(t, "user:reset-link", "d@x.org");
    assertMatch(r.stdout, /Reset link for dora .*\n.*\/password-reset\/\S+/);
    await fails(t, "no user 'ghost'", "user:reset-link", "ghost");
    await usage(t, "USER is required", "user:reset-link");
  });

  await s.step("user:delete asks for --yes and refuses authors", async () => {
    await usage(t, "add --yes", "user:delete", "dora");
    assertStringIncludes((await ok(t, "user:delete", "dora", "--yes")).stdout, "Deleted dora");
    await fails(t, "no user 'dora'", "user:show", "dora");
    await fails(t, "authors content", "user:delete", "trainer", "--yes");
    await usage(t, "say which user", "user:delete", "--yes");
  });

  await s.step("user:list and user:create bad usage", async () => {
    await usage(t, "--limit must be a whole number from 1 to 100000", "user:list", "--limit", "0");
    await usage(t, "unexpected argument 'x'", "user:list", "x");
    await usage(t, "--password is required", "user:create", "--username", "zed");
  });
});

Deno.test("queue:stats, queue:list, queue:show, queue:retry, queue:purge", async (s) => {
  await using t = await openTestApp();
  const mix = await makeJobMix(t);

  await s.step("queue:stats", async () => {
    const r = await ok(t, "queue:stats");
    assertMatch(
      r.stdout,
      /QUEUE\s+QUEUED\s+DELAYED\s+ACTIVE\s+DONE\s+FAILED\s+DEAD\s+CANCELLED\s+LATENCY/,
    );
    const j = JSON.parse((await ok(t, "queue:stats", "--json", "--queue", "push")).stdout);
    assertEquals(j.queues.length, 1);
    assertEquals(j.queues[0].counts.failed, 3);
    await usage(t, "--queue must be one of", "queue:stats", "--queue", "nope");
  });

  await s.step("queue:list pages with --cursor", async () => {
    const first = await ok(t, "queue:list", "--state", "failed", "--limit", "2");
    assertStringIncludes(first.stdout, "test-fail");
    const cursor = /More: --cursor (\S+)/.exec(first.stdout)?.[1];
    assert(cursor, "a cursor for the next page");
    const next = JSON.parse(
      (await ok(t, "queue:list", "--state", "failed", "--limit", "2", "--cursor", cursor, "--json"))
        .stdout,
    );
    assertEquals(next.jobs.length, 1);
    assertEquals(next.cursor, undefined);
    await usage(t, "--state is required", "queue:list");
    await usage(t, "--state must be one of", "queue:list", "--state", "broken");
    await usage(
      t,
      "--limit must be a whole number from 1 to 200",
      "queue:list",
      "--state",
      "done",
      "--limit",
      "500",
    );
  });

  await s.step("queue:show", async () => {
    const r = await ok(t, "queue:show", mix.failed[0]);
    assertStringIncludes(r.stdout, "test-fail (queue push)");
    assertStringIncludes(r.stdout, "push failed for user");
    assertStringIncludes(r.stdout, "at Object.handler");
    await fails(t, "no job 'nope'", "queue:show", "nope");
    await usage(t, "say which job", "queue:show");
  });

  await s.step("queue:retry", async () => {
    assertStringIncludes((await ok(t, "queue:retry", mix.failed[0])).stdout, "queued again");
    assertEquals((await t.services.jobs.get(mix.failed[0]))!.state, "queued");
    await fails(t, "cannot be retried in its state", "queue:retry", mix.queued[0]);
    await fails(t, "no job 'nope'", "queue:retry", "nope");
    const all = JSON.parse(
      (await ok(t, "queue:retry", "--all", "--state", "failed", "--json")).stdout,
    );
    assertEquals(all.retried, 2);
    await usage(t, "give a JOB_ID or --all, not both", "queue:retry", "x", "--all");
    await usage(t, "--all needs --state", "queue:retry", "--all");
    await usage(
      t,
      "--state must be one of failed, dead, cancelled",
      "queue:retry",
      "--all",
      "--state",
      "done",
    );
    await usage(t, "say which job", "queue:retry");
    await usage(t, "go with --all", "queue:retry", "x", "--state", "failed");
  });

  await s.step("queue:purge", async () => {
    await usage(t, "add --yes", "queue:purge", "--state", "done");
    await usage(t, "--state is required", "queue:purge", "--yes");
    await usage(t, "--state must be one of", "queue:purge", "--state", "active", "--yes");
    const r = await ok(t, "queue:purge", "--state", "done", "--queue", "maintenance", "--yes");
    assertStringIncludes(r.stdout, "Deleted 2 done job(s) of maintenance");
    assertEquals(await t.services.jobs.get(mix.done[0]), null);
  });
  // Retried jobs reached the (stopped) runtime's listener: let it park them before KV closes.
  await new Promise((r) => setTimeout(r, 200));
});

Deno.test("errors:list, errors:show, errors:resolve", async () => {
  await using t = await openTestApp();
  const a =
    (await reportError(t.services, { source: "server", error: new TypeError("cli boom 7") }))!;
  await reportError(t.services, { source: "client", error: new Error("other") });

  const list = await ok(t, "errors:list");
  assertMatch(list.stdout, /ID\s+STATUS\s+SOURCE\s+COUNT/);
  assertStringIncludes(list.stdout, "TypeError: cli boom 7");
  const j = JSON.parse((await ok(t, "errors:list", "--source", "server", "--json")).stdout);
  assertEquals(j.groups.map((g: { id: string }) => g.id), [a.groupId]);
  assertStringIncludes((await ok(t, "errors:list", "--search", "other")).stdout, "Error: other");
  await usage(
    t,
    "--status must be one of new, resolved, ignored, regressed",
    "errors:list",
    "--status",
    "open",
  );
  await usage(t, "--source must be one of", "errors:list", "--source", "moon");
  await usage(t, "--limit must be a whole number from 1 to 500", "errors:list", "--limit", "1e3");
  await usage(t, "--limit needs a value", "errors:list", "--limit", "-1");

  const show = await ok(t, "errors:show", a.groupId);
  assertStringIncludes(show.stdout, "TypeError: cli boom 7");
  assertStringIncludes(show.stdout, "at ");
  await fails(t, "no error group", "errors:show", newId());
  await usage(t, "say which group", "errors:show");

  assertStringIncludes((await ok(t, "errors:resolve", a.groupId)).stdout, "is now resolved");
  assertStringIncludes(
    (await ok(t, "errors:resolve", a.groupId, "--ignore")).stdout,
    "is now ignored",
  );
  assertStringIncludes((await ok(t, "errors:resolve", a.groupId, "--reopen")).stdout, "is now new");
  await fails(t, "no error group", "errors:resolve", newId());
  await usage(t, "exclude each other", "errors:resolve", a.groupId, "--ignore", "--reopen");
  await usage(t, "say which group", "errors:resolve");
});

Deno.test("export:users and export:progress: CSV and JSON, to stdout or a file, with progress", async () => {
  await using t = await openTestApp();
  await seedDemo(t.services.db, { print: () => {} });
  await ok(t, "user:create", "--username", "eve", "--password", "Secret123");
  const eve = await t.services.db.selectFrom("users").select("id").where("username", "=", "eve")
    .executeTakeFirstOrThrow();
  await t.services.db.updateTable("user_profiles").set({ full_name: '=HYPERLINK("x")' })
    .where("user_id", "=", eve.id).execute();

  const csv = await ok(t, "export:users");
  const lines = csv.stdout.trim().split("\r\n");
  assertEquals(
    lines[0],
    "id,username,email,role,full_name,locale,time_zone,telegram_linked,created_at,last_login_at,disabled_at",
  );
  assertEquals(lines.length, 5);
  assert(
    lines.some((l) => l.includes(`,eve,,USER,"'=HYPERLINK(""x"")",`)),
    "formula-like text is defused and quotes are doubled",
  );
  assert(!csv.stdout.includes("password") && !csv.stdout.includes("scrypt"), "no password hashes");

  const json = await ok(t, "export:users", "--format", "json", "--out", "users.json");
  assertEquals(json.stdout, "");
  const rows = JSON.parse(json.files.get("users.json")!);
  assertEquals(rows.length, 4);
  assertEquals(json.progress.at(-1), [4, 4]);
  await usage(t, "--format must be one of csv, json", "export:users", "--format", "xml");

  // One learner on the first course with one completed day.
  const course = await t.services.db.selectFrom("courses").select(["id", "slug"])
    .orderBy("slug").executeTakeFirstOrThrow();
  const learner = await t.services.db.selectFrom("users").select("id")
    .where("username", "=", "learner").executeTakeFirstOrThrow();
  const day = await t.services.db.selectFrom("day_on_course").select("id")
    .where("course_id", "=", course.id).orderBy("position").executeTakeFirstOrThrow();
  await t.services.db.insertInto("user_courses").values({
    user_id: learner.id,
    course_id: course.id,
    status: "IN_PROGRESS",
    started_at: new Date(),
  }).execute();
  await t.services.db.insertInto("user_trainings").values({
    id: newId(),
    user_id: learner.id,
    day_on_course_id: day.id,
    status: "COMPLETED",
    completed_at: new Date(),
  }).execute();
  const prog = await ok(t, "export:progress", "--course", course.slug, "--format", "json");
  const p = JSON.parse(prog.stdout);
  assertEquals(p.length, 1);
  assertEquals([p[0].username, p[0].status, p[0].days_completed], ["learner", "IN_PROGRESS", 1]);
  assert(p[0].days_total >= 1 && p[0].steps_total >= 1);
  const progCsv = await ok(t, "export:progress", "--course", course.slug);
  assertStringIncludes(progCsv.stdout, "user_id,username,full_name,status");
  await usage(t, "--course is required", "export:progress");
  await fails(t, "no course with the slug 'nope'", "export:progress", "--course", "nope");
});

Deno.test("migrate and seed, in a running server's process", async () => {
  await using t = await openTestApp();
  assertStringIncludes((await ok(t, "migrate")).stdout, "up to date");
  await usage(t, "unexpected argument 'now'", "migrate", "now");
  await usage(t, "say --demo", "seed");
  assertStringIncludes((await ok(t, "seed", "--demo")).stdout, "admin");
  assertStringIncludes((await ok(t, "seed", "--demo")).stdout, "already there");
});
