/**
 * The rules the schema itself enforces: one running timer per user, content
 * deletes that would erase progress fail, user deletes cascade, ordered
 * positions, step checks, updated_at.
 */
import assert from "node:assert/strict";
import { type Kysely, sql } from "kysely";
import { isReferencedError, isUniqueViolation, json, pgError } from "@/db/connection.ts";
import type { Database, Role, StepType } from "@/db/schema.ts";
import { newId } from "@/platform/ids.ts";
import { openTestDb } from "../helpers/db.ts";

async function addUser(db: Kysely<Database>, username: string, role: Role = "USER") {
  const id = newId();
  await db.insertInto("users").values({ id, username, password_hash: "x", role }).execute();
  return id;
}

async function addStep(
  db: Kysely<Database>,
  authorId: string,
  type: StepType,
  title: string = type,
) {
  const id = newId();
  await db.insertInto("steps").values({
    id,
    title,
    type,
    author_id: authorId,
    duration_sec: type === "TRAINING" || type === "BREAK" ? 60 : null,
    requires_written_feedback: type === "EXAMINATION",
  }).execute();
  return id;
}

/** A trainer's course with one day of three steps, and a learner who started it. */
async function fixture(db: Kysely<Database>) {
  const trainer = await addUser(db, "trainer1", "TRAINER");
  const learner = await addUser(db, "learner1");
  const courseId = newId();
  await db.insertInto("courses").values({
    id: courseId,
    slug: "test-course",
    name: "Курс",
    author_id: trainer,
  }).execute();
  const dayId = newId();
  await db.insertInto("training_days").values({ id: dayId, title: "День", author_id: trainer })
    .execute();
  const steps = [
    await addStep(db, trainer, "TRAINING", "t1"),
    await addStep(db, trainer, "TRAINING", "t2"),
    await addStep(db, trainer, "EXAMINATION", "exam"),
  ];
  const stepOnDay = [];
  for (const [position, stepId] of steps.entries()) {
    const id = newId();
    await db.insertInto("step_on_day").values({ id, day_id: dayId, step_id: stepId, position })
      .execute();
    stepOnDay.push(id);
  }
  const docId = newId();
  await db.insertInto("day_on_course").values({
    id: docId,
    course_id: courseId,
    day_id: dayId,
    position: 0,
  }).execute();

  await db.insertInto("user_courses").values({
    user_id: learner,
    course_id: courseId,
    status: "IN_PROGRESS",
  }).execute();
  const trainingId = newId();
  await db.insertInto("user_trainings").values({
    id: trainingId,
    user_id: learner,
    day_on_course_id: docId,
    status: "IN_PROGRESS",
  }).execute();
  const userSteps = [];
  for (const sod of stepOnDay) {
    const id = newId();
    await db.insertInto("user_steps").values({
      id,
      user_training_id: trainingId,
      step_on_day_id: sod,
      user_id: learner,
    }).execute();
    userSteps.push(id);
  }
  await db.insertInto("exam_results").values({
    id: newId(),
    user_step_id: userSteps[2],
    step_id: steps[2],
    course_id: courseId,
    user_id: learner,
    test_answers: json({ q1: 0 }),
    written_answer: "Ответ",
  }).execute();
  await db.insertInto("diary_entries").values({
    id: newId(),
    user_id: learner,
    day_id: dayId,
    content: "Сегодня получилось",
  }).execute();
  return { trainer, learner, courseId, dayId, steps, stepOnDay, docId, trainingId, userSteps };
}

const running = (ends = new Date(Date.now() + 60_000)) => ({
  status: "IN_PROGRESS" as const,
  paused: false,
  timer_started_at: new Date(),
  timer_ends_at: ends,
  remaining_sec: 60,
});

Deno.test("at most one running timer per user", async () => {
  await using h = await openTestDb();
  const f = await fixture(h.db);

  await h.db.updateTable("user_steps").set(running()).where("id", "=", f.userSteps[0]).execute();
  // A second running timer for the same user is refused by the partial unique index.
  await assert.rejects(
    () => h.db.updateTable("user_steps").set(running()).where("id", "=", f.userSteps[1]).execute(),
    (e: unknown) => isUniqueViolation(e, "user_steps_one_running_timer"),
  );
  // In a transaction, the failure aborts it and nothing of it stays.
  await assert.rejects(() =>
    h.db.transaction().execute(async (trx) => {
      await trx.updateTable("user_steps").set({ active_seconds: 5 }).where(
        "id",
        "=",
        f.userSteps[0],
      )
        .execute();
      await trx.updateTable("user_steps").set(running()).where("id", "=", f.userSteps[1]).execute();
    })
  );
  const first = await h.db.selectFrom("user_steps").select("active_seconds")
    .where("id", "=", f.userSteps[0]).executeTakeFirstOrThrow();
  assert.equal(first.active_seconds, 0);

  // A paused timer does not count: pause the first, start the second.
  await h.db.updateTable("user_steps").set({ paused: true, timer_ends_at: null, remaining_sec: 30 })
    .where("id", "=", f.userSteps[0]).execute();
  await h.db.updateTable("user_steps").set(running()).where("id", "=", f.userSteps[1]).execute();

  // Another user's timer is independent.
  const other = await addUser(h.db, "other_user");
  const trainingId = newId();
  await h.db.insertInto("user_trainings").values({
    id: trainingId,
    user_id: other,
    day_on_course_id: f.docId,
  }).execute();
  await h.db.insertInto("user_steps").values({
    id: newId(),
    user_training_id: trainingId,
    step_on_day_id: f.stepOnDay[0],
    user_id: other,
    ...running(),
  }).execute();
});

Deno.test("user_steps.user_id must be the user of its training", async () => {
  await using h = await openTestDb();
  const f = await fixture(h.db);
  const intruder = await addUser(h.db, "intruder");
  const link = newId();
  await h.db.insertInto("step_on_day").values({
    id: link,
    day_id: f.dayId,
    step_id: f.steps[0],
    position: 3,
  }).execute();
  await assert.rejects(
    () =>
      h.db.insertInto("user_steps").values({
        id: newId(),
        user_training_id: f.trainingId,
        step_on_day_id: link,
        user_id: intruder,
      }).execute(),
    (e: unknown) => pgError(e)?.code === "23503",
  );
});

Deno.test("deleting content with learner progress fails; archiving works", async () => {
  await using h = await openTestDb();
  const f = await fixture(h.db);
  const { db } = h;

  const refused = [
    ["a step", () => db.deleteFrom("steps").where("id", "=", f.steps[0]).execute()],
    ["an exam step", () => db.deleteFrom("steps").where("id", "=", f.steps[2]).execute()],
    [
      "a step_on_day",
      () => db.deleteFrom("step_on_day").where("id", "=", f.stepOnDay[0]).execute(),
    ],
    ["a day_on_course", () => db.deleteFrom("day_on_course").where("id", "=", f.docId).execute()],
    ["a training day", () => db.deleteFrom("training_days").where("id", "=", f.dayId).execute()],
    ["a course", () => db.deleteFrom("courses").where("id", "=", f.courseId).execute()],
    ["the course author", () => db.deleteFrom("users").where("id", "=", f.trainer).execute()],
  ] as const;
  for (const [what, run] of refused) {
    await assert.rejects(run, (e: unknown) => isReferencedError(e), `deleting ${what} must fail`);
  }

  // Everything is still there.
  const counts = await Promise.all([
    db.selectFrom("user_steps").select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow(),
    db.selectFrom("exam_results").select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow(),
    db.selectFrom("step_on_day").select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow(),
  ]);
  assert.deepEqual(counts.map((c) => c.n), [3, 1, 3]);

  // The app archives instead; a new link may then take the freed position.
  await db.updateTable("step_on_day").set({ archived_at: new Date() })
    .where("id", "=", f.stepOnDay[0]).execute();
  const replacement = await addStep(db, f.trainer, "BREAK", "new");
  await db.insertInto("step_on_day").values({
    id: newId(),
    day_id: f.dayId,
    step_id: replacement,
    position: 0,
  }).execute();
});

Deno.test("content without progress can be deleted; links go with their parent", async () => {
  await using h = await openTestDb();
  const trainer = await addUser(h.db, "trainer2");
  const stepId = await addStep(h.db, trainer, "THEORY");
  const dayId = newId();
  await h.db.insertInto("training_days").values({
    id: dayId,
    title: "Черновик",
    author_id: trainer,
  })
    .execute();
  await h.db.insertInto("step_on_day").values({
    id: newId(),
    day_id: dayId,
    step_id: stepId,
    position: 0,
  })
    .execute();
  // A step still used by a day cannot be deleted…
  await assert.rejects(
    () => h.db.deleteFrom("steps").where("id", "=", stepId).execute(),
    isReferencedError,
  );
  // …but deleting the day removes its links, and then the step can go.
  await h.db.deleteFrom("training_days").where("id", "=", dayId).execute();
  await h.db.deleteFrom("steps").where("id", "=", stepId).execute();
});

Deno.test("deleting a user cascades to that user's own data only", async () => {
  await using h = await openTestDb();
  const f = await fixture(h.db);
  const { db } = h;
  await db.insertInto("user_profiles").values({ user_id: f.learner, full_name: "Илья" }).execute();
  await db.insertInto("pets").values({ id: newId(), owner_id: f.learner, name: "Гром" }).execute();
  await db.insertInto("favorites").values({ user_id: f.learner, course_id: f.courseId }).execute();
  await db.insertInto("course_access").values({
    course_id: f.courseId,
    user_id: f.learner,
    granted_by: f.trainer,
  }).execute();
  await db.insertInto("course_reviews").values({
    id: newId(),
    course_id: f.courseId,
    user_id: f.learner,
    rating: 5,
  }).execute();
  await db.insertInto("notifications").values({
    id: newId(),
    user_id: f.learner,
    kind: "test",
    title: "Привет",
  }).execute();
  await db.insertInto("push_subscriptions").values({
    id: newId(),
    user_id: f.learner,
    endpoint: "https://push.example/1",
    p256dh: "k",
    auth: "a",
  }).execute();
  await db.insertInto("consents").values({
    id: newId(),
    user_id: f.learner,
    type: "PERSONAL_DATA",
    version: "v1",
  }).execute();
  await db.insertInto("password_reset_tokens").values({
    id: newId(),
    user_id: f.learner,
    token_hash: "h",
    expires_at: new Date(Date.now() + 3600_000),
  }).execute();
  const campaignId = newId();
  await db.insertInto("reengagement_campaigns").values({
    id: campaignId,
    user_id: f.learner,
    last_activity_at: new Date(),
  }).execute();
  await db.insertInto("reengagement_notifications").values({
    id: newId(),
    campaign_id: campaignId,
    user_id: f.learner,
    level: 1,
    variant_id: "v1",
    title: "t",
    body: "b",
  }).execute();
  const groupId = newId();
  await db.insertInto("error_groups").values({
    id: groupId,
    fingerprint: "fp",
    source: "server",
    type: "Error",
    message: "boom",
  }).execute();
  const reportId = newId();
  await db.insertInto("error_reports").values({
    id: reportId,
    group_id: groupId,
    message: "boom",
    user_id: f.learner,
  }).execute();
  // The trainer reviewed the exam.
  await db.updateTable("exam_results").set({ reviewed_by: f.trainer, status: "APPROVED" })
    .execute();

  await db.deleteFrom("users").where("id", "=", f.learner).execute();

  const left = async (table: keyof Database, column: string) => {
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}
      where ${sql.ref(column)} = ${f.learner}`.execute(db);
    return rows[0].n;
  };
  for (
    const [table, column] of [
      ["user_profiles", "user_id"],
      ["pets", "owner_id"],
      ["favorites", "user_id"],
      ["course_access", "user_id"],
      ["course_reviews", "user_id"],
      ["notifications", "user_id"],
      ["push_subscriptions", "user_id"],
      ["consents", "user_id"],
      ["password_reset_tokens", "user_id"],
      ["reengagement_campaigns", "user_id"],
      ["user_courses", "user_id"],
      ["user_trainings", "user_id"],
      ["user_steps", "user_id"],
      ["exam_results", "user_id"],
      ["diary_entries", "user_id"],
    ] as const
  ) {
    assert.equal(await left(table, column), 0, `${table} rows of the deleted user`);
  }
  const notifications = await db.selectFrom("reengagement_notifications").selectAll().execute();
  assert.equal(notifications.length, 0);
  // Content and the trainer stay; the error report stays without its user.
  assert.ok(
    await db.selectFrom("courses").select("id").where("id", "=", f.courseId).executeTakeFirst(),
  );
  assert.equal((await db.selectFrom("steps").selectAll().execute()).length, 3);
  const report = await db.selectFrom("error_reports").select("user_id").where("id", "=", reportId)
    .executeTakeFirstOrThrow();
  assert.equal(report.user_id, null);
});

Deno.test("reviewer and granter references become NULL when that user goes", async () => {
  await using h = await openTestDb();
  const f = await fixture(h.db);
  const moderator = await addUser(h.db, "moder");
  await h.db.updateTable("exam_results").set({ reviewed_by: moderator }).execute();
  await h.db.insertInto("course_access").values({
    course_id: f.courseId,
    user_id: f.learner,
    granted_by: moderator,
  }).execute();
  await h.db.deleteFrom("users").where("id", "=", moderator).execute();
  const exam = await h.db.selectFrom("exam_results").select("reviewed_by")
    .executeTakeFirstOrThrow();
  assert.equal(exam.reviewed_by, null);
  const access = await h.db.selectFrom("course_access").select("granted_by")
    .executeTakeFirstOrThrow();
  assert.equal(access.granted_by, null);
});

Deno.test("positions are unique among non-archived links and can be swapped in one statement", async () => {
  await using h = await openTestDb();
  const f = await fixture(h.db);
  const { db } = h;
  await assert.rejects(
    () =>
      db.insertInto("step_on_day").values({
        id: newId(),
        day_id: f.dayId,
        step_id: f.steps[0],
        position: 1,
      }).execute(),
    (e: unknown) =>
      pgError(e)?.code === "23P01" && pgError(e)?.constraint === "step_on_day_position_excl",
  );
  // Swap positions 0 and 1 with a single UPDATE (checked at the end of the statement).
  await sql`update step_on_day set position = case position when 0 then 1 else 0 end
    where day_id = ${f.dayId} and position in (0, 1)`.execute(db);
  const order = await db.selectFrom("step_on_day").select("id").where("day_id", "=", f.dayId)
    .orderBy("position").execute();
  assert.deepEqual(order.map((r) => r.id), [f.stepOnDay[1], f.stepOnDay[0], f.stepOnDay[2]]);

  // A multi-statement reorder works with the constraint deferred in its transaction.
  await db.transaction().execute(async (trx) => {
    await sql`set constraints step_on_day_position_excl deferred`.execute(trx);
    await trx.updateTable("step_on_day").set({ position: 2 }).where("id", "=", f.stepOnDay[0])
      .execute();
    await trx.updateTable("step_on_day").set({ position: 1 }).where("id", "=", f.stepOnDay[2])
      .execute();
  });
  // Same rule for days in a course.
  const day2 = newId();
  await db.insertInto("training_days").values({ id: day2, title: "Д2", author_id: f.trainer })
    .execute();
  await assert.rejects(() =>
    db.insertInto("day_on_course").values({
      id: newId(),
      course_id: f.courseId,
      day_id: day2,
      position: 0,
    }).execute()
  );
});

Deno.test("step checks: timer duration, exam task, one video source", async () => {
  await using h = await openTestDb();
  const author = await addUser(h.db, "author");
  const base = { title: "Шаг", author_id: author };
  const bad = [
    { ...base, id: newId(), type: "TRAINING" as const },
    { ...base, id: newId(), type: "BREAK" as const, duration_sec: 0 },
    { ...base, id: newId(), type: "TRAINING" as const, duration_sec: 6001 },
    { ...base, id: newId(), type: "THEORY" as const, duration_sec: 60 },
    { ...base, id: newId(), type: "EXAMINATION" as const },
    {
      ...base,
      id: newId(),
      type: "PRACTICE" as const,
      video_url: "https://example.org/v",
      video_id: "x",
    },
  ];
  for (const row of bad) {
    await assert.rejects(
      () => h.db.insertInto("steps").values(row).execute(),
      (e: unknown) => ["23514", "23503"].includes(pgError(e)?.code ?? ""),
      JSON.stringify(row),
    );
  }
  await h.db.insertInto("steps").values([
    { ...base, id: newId(), type: "TRAINING", duration_sec: 6000 },
    { ...base, id: newId(), type: "BREAK", duration_sec: 1 },
    {
      ...base,
      id: newId(),
      type: "EXAMINATION",
      checklist: json([{ id: "q", question: "?", options: ["a", "b"], correctIndex: 0 }]),
    },
    { ...base, id: newId(), type: "EXAMINATION", requires_video_report: true },
  ]).execute();
});

Deno.test("identity rules: username format, case-insensitive unique email", async () => {
  await using h = await openTestDb();
  for (const username of ["Admin", "ab", "has space", "x".repeat(33), "дима"]) {
    await assert.rejects(
      () =>
        h.db.insertInto("users").values({ id: newId(), username, password_hash: "x" }).execute(),
      (e: unknown) => pgError(e)?.code === "23514",
      username,
    );
  }
  await h.db.insertInto("users").values({
    id: newId(),
    username: "anna_1",
    email: "Anna@Example.org",
    password_hash: "x",
  }).execute();
  await assert.rejects(
    () =>
      h.db.insertInto("users").values({
        id: newId(),
        username: "anna_2",
        email: "anna@example.ORG",
        password_hash: "x",
      }).execute(),
    (e: unknown) => isUniqueViolation(e, "users_email_lower_key"),
  );
  // Many users without email are fine.
  await h.db.insertInto("users").values([
    { id: newId(), username: "no_mail_1", password_hash: "x" },
    { id: newId(), username: "no_mail_2", password_hash: "x" },
  ]).execute();
});

Deno.test("updated_at is stamped by the trigger; an explicit value wins", async () => {
  await using h = await openTestDb();
  const id = await addUser(h.db, "stamp");
  const old = new Date("2020-01-01T00:00:00Z");
  await h.db.updateTable("users").set({ updated_at: old }).where("id", "=", id).execute();
  let row = await h.db.selectFrom("users").select("updated_at").where("id", "=", id)
    .executeTakeFirstOrThrow();
  assert.equal(row.updated_at.toISOString(), old.toISOString());
  await h.db.updateTable("users").set({ locale: "en" }).where("id", "=", id).execute();
  row = await h.db.selectFrom("users").select("updated_at").where("id", "=", id)
    .executeTakeFirstOrThrow();
  assert.ok(row.updated_at.getTime() > Date.now() - 60_000);
});

Deno.test("one active re-engagement campaign per user", async () => {
  await using h = await openTestDb();
  const id = await addUser(h.db, "lapsed");
  const campaign = () => ({ id: newId(), user_id: id, last_activity_at: new Date() });
  await h.db.insertInto("reengagement_campaigns").values(campaign()).execute();
  await assert.rejects(
    () => h.db.insertInto("reengagement_campaigns").values(campaign()).execute(),
    (e: unknown) => isUniqueViolation(e),
  );
  await h.db.updateTable("reengagement_campaigns").set({ status: "RETURNED" }).execute();
  await h.db.insertInto("reengagement_campaigns").values(campaign()).execute();
});
