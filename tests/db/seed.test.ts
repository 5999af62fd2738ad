import assert from "node:assert/strict";
import { sql } from "kysely";
import type { DbHandle } from "@/db/connection.ts";
import { TABLES } from "@/db/migrations/0001_core.ts";
import { SEED_MARKER, seedDemo } from "@/core/demo/seed.ts";
import { STEP_TYPES } from "@/db/schema.ts";
import { verifyPassword } from "@/core/auth/password.ts";
import { newId } from "@/platform/ids.ts";
import { openSecondHandle, openTestDb } from "../helpers/db.ts";

async function rowCounts(h: DbHandle): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) {
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(t)}`.execute(
      h.db,
    );
    out[t] = rows[0].n;
  }
  return out;
}

Deno.test("seed: creates the demo once; seeding again changes nothing", async () => {
  await using h = await openTestDb();
  const lines: string[] = [];
  const first = await seedDemo(h.db, { print: (l) => lines.push(l) });
  assert.equal(first.created, true);
  assert.deepEqual(first.users?.map((u) => [u.username, u.role]), [
    ["admin", "ADMIN"],
    ["trainer", "TRAINER"],
    ["learner", "USER"],
  ]);
  const counts = await rowCounts(h);
  const updated = await h.db.selectFrom("courses").select(["id", "updated_at"]).orderBy("id")
    .execute();

  const printedAgain: string[] = [];
  const second = await seedDemo(h.db, { print: (l) => printedAgain.push(l) });
  assert.deepEqual(second, { created: false });
  assert.deepEqual(printedAgain, []);
  assert.deepEqual(await rowCounts(h), counts);
  assert.deepEqual(
    await h.db.selectFrom("courses").select(["id", "updated_at"]).orderBy("id").execute(),
    updated,
  );

  // Passwords: printed once, returned, verify against the stored hashes, never stored in clear.
  for (const u of first.users!) {
    assert.ok(lines.some((l) => l.includes(u.username) && l.includes(u.password)));
    assert.match(u.password, /^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
    const row = await h.db.selectFrom("users").select(["password_hash", "email"])
      .where("username", "=", u.username).executeTakeFirstOrThrow();
    assert.equal(await verifyPassword(u.password, row.password_hash), true);
    assert.ok(!row.password_hash.includes(u.password));
    const { rows } = await sql<{ n: number }>`
      select count(*) as n from users u where (to_jsonb(u))::text like ${"%" + u.password + "%"}`
      .execute(h.db);
    assert.equal(rows[0].n, 0);
  }
  const profiles = await h.db.selectFrom("user_profiles").select("user_id").execute();
  assert.equal(profiles.length, 3);
  const marker = await h.db.selectFrom("app_meta").select("value").where("key", "=", SEED_MARKER)
    .executeTakeFirstOrThrow();
  assert.equal((marker.value as { version: number }).version, 1);
});

Deno.test("seed: content covers every step type, day kind and access rule", async () => {
  await using h = await openTestDb();
  await seedDemo(h.db, { print: () => {} });
  const { db } = h;

  const types = await db.selectFrom("steps").select("type").distinct().execute();
  assert.deepEqual(types.map((t) => t.type).sort(), [...STEP_TYPES].sort());

  const steps = await db.selectFrom("steps").selectAll().execute();
  for (const s of steps) {
    if (s.type === "TRAINING" || s.type === "BREAK") {
      assert.ok(s.duration_sec! >= 1 && s.duration_sec! <= 6000, s.title);
    } else {
      assert.ok(s.estimated_duration_sec! > 0, `${s.title} has an estimated duration`);
    }
    assert.ok(s.description.length > 80, `${s.title} has real text`);
  }
  const theory = steps.filter((s) => s.type === "THEORY");
  assert.ok(theory.some((s) => /^## /m.test(s.description) && /^- /m.test(s.description)));
  const exams = steps.filter((s) => s.type === "EXAMINATION");
  assert.ok(exams.some((s) => s.requires_written_feedback));
  assert.ok(exams.some((s) => s.requires_video_report));
  for (const exam of exams) {
    assert.ok(exam.checklist.length >= 3);
    for (const q of exam.checklist) {
      assert.ok(q.options.length >= 2);
      assert.ok(q.correctIndex >= 0 && q.correctIndex < q.options.length);
    }
    assert.ok(exam.checklist.some((q) => typeof q.comment === "string"));
  }

  const courses = await db.selectFrom("courses").selectAll().orderBy("slug").execute();
  assert.ok(courses.length >= 3);
  assert.ok(courses.every((c) => c.published_at instanceof Date));
  assert.ok(courses.some((c) => c.name === "Это база" && c.access === "PUBLIC"));
  assert.ok(courses.some((c) => c.name === "Спокойная прогулка" && c.access === "PUBLIC"));
  const priv = courses.find((c) => c.access === "PRIVATE")!;
  const access = await db.selectFrom("course_access").innerJoin(
    "users",
    "users.id",
    "course_access.user_id",
  )
    .select(["users.username", "course_access.course_id"]).execute();
  assert.deepEqual(access, [{ username: "learner", course_id: priv.id }]);

  // Every course: introduction first, summary (or instructions for the private plan) last, regular days between.
  for (const c of courses.filter((c) => c.access === "PUBLIC")) {
    const days = await db.selectFrom("day_on_course").innerJoin(
      "training_days",
      "training_days.id",
      "day_on_course.day_id",
    )
      .select(["training_days.type"]).where("course_id", "=", c.id).orderBy("position").execute();
    assert.equal(days[0].type, "introduction", c.name);
    assert.equal(days.at(-1)!.type, "summary", c.name);
    assert.ok(days.filter((d) => d.type === "regular").length >= 3, c.name);
  }

  // A day with shared progress is used by two courses.
  const shared = await db.selectFrom("training_days").innerJoin(
    "day_on_course",
    "day_on_course.day_id",
    "training_days.id",
  )
    .select([
      "training_days.id",
      sql<number>`count(distinct day_on_course.course_id)`.as("courses"),
    ])
    .where("training_days.share_progress_across_courses", "=", true).groupBy("training_days.id")
    .execute();
  assert.equal(shared.length, 1);
  assert.equal(shared[0].courses, 2);

  // Pet, categories, templates.
  const pets = await db.selectFrom("pets").innerJoin("users", "users.id", "pets.owner_id")
    .select(["users.username", "pets.name", "pets.birth_date"]).execute();
  assert.equal(pets.length, 1);
  assert.equal(pets[0].username, "learner");
  assert.match(pets[0].birth_date!, /^\d{4}-\d{2}-\d{2}$/);
  const categories = await db.selectFrom("step_categories").select("id").execute();
  const templates = await db.selectFrom("step_templates").selectAll().execute();
  assert.ok(categories.length >= 4);
  assert.ok(templates.length >= 4);
  assert.ok(templates.every((t) => t.category_id && Array.isArray(t.tags) && t.tags.length > 0));
});

Deno.test("seed: does nothing on a database that already has users", async () => {
  await using h = await openTestDb();
  await h.db.insertInto("users").values({ id: newId(), username: "real_user", password_hash: "x" })
    .execute();
  const result = await seedDemo(h.db, { print: () => assert.fail("nothing to print") });
  assert.deepEqual(result, { created: false });
  assert.equal((await h.db.selectFrom("users").select("id").execute()).length, 1);
  assert.equal(
    (await h.db.selectFrom("app_meta").select("key").where("key", "=", SEED_MARKER).execute())
      .length,
    0,
  );
});

Deno.test("seed: concurrent seeders create the demo once", async () => {
  await using h = await openTestDb();
  const other = h.kind === "postgres" ? await openSecondHandle(h) : h;
  try {
    const results = await Promise.all([
      seedDemo(h.db, { print: () => {} }),
      seedDemo(other.db, { print: () => {} }),
    ]);
    assert.deepEqual(results.map((r) => r.created).sort(), [false, true]);
    assert.equal((await h.db.selectFrom("users").select("id").execute()).length, 3);
  } finally {
    if (other !== h) await other.close();
  }
});
