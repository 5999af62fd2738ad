/**
 * "Download my data": everything Gafus keeps about the signed-in user, as
 * one zip archive — `data.json` (profile, pets, course progress, diary, exam
 * answers, reviews, notifications, notification choices, reminders) and the
 * user's own files from storage (`users/<id>/…`: avatar and pet photos;
 * `exams/<id>/…`: exam videos), under `files/`.
 *
 * The archive is streamed while it is built (fflate's streaming `Zip`), not
 * made by a job: nothing is held whole in memory (a file goes through chunk
 * by chunk, media stored without recompressing), no copy of personal data is
 * left in storage to expire or leak, and the learner gets it at once. The
 * one cost, a long response for a very large account, is bounded by the
 * files a learner can upload.
 *
 * Only the caller's own rows and files: every query is by their user id, and
 * the files by their own prefixes (the same ones `eraseUser` deletes).
 */
import { Zip, ZipDeflate, ZipPassThrough } from "fflate";
import type { Services } from "./services.ts";
import type { SessionUser } from "./auth/session_user.ts";
import { requireUser } from "./auth/guards.ts";
import { enforce, RATE_RULES } from "./rate_limit.ts";
import { log } from "@/platform/log.ts";

/** The rows of the user, by section (the JSON file of the archive). */
export async function collectUserData(s: Services, userId: string) {
  const db = s.db;
  const [
    account,
    profile,
    pets,
    courses,
    trainings,
    steps,
    diary,
    exams,
    examAttempts,
    reviews,
    favorites,
    notifications,
    prefs,
    reminders,
  ] = await Promise.all([
    db.selectFrom("users")
      .select([
        "id",
        "username",
        "email",
        "role",
        "locale",
        "time_zone",
        "telegram_chat_id",
        "created_at",
        "last_login_at",
      ])
      .where("id", "=", userId).executeTakeFirstOrThrow(),
    db.selectFrom("user_profiles").selectAll().where("user_id", "=", userId).executeTakeFirst(),
    db.selectFrom("pets").selectAll().where("owner_id", "=", userId).orderBy("created_at")
      .execute(),
    db.selectFrom("user_courses")
      .innerJoin("courses", "courses.id", "user_courses.course_id")
      .select([
        "courses.slug as course_slug",
        "courses.name as course_name",
        "user_courses.status",
        "user_courses.started_at",
        "user_courses.completed_at",
        "user_courses.diary_shared",
        "user_courses.created_at",
      ])
      .where("user_courses.user_id", "=", userId).orderBy("user_courses.created_at").execute(),
    db.selectFrom("user_trainings").selectAll().where("user_id", "=", userId)
      .orderBy("created_at").execute(),
    db.selectFrom("user_steps")
      .innerJoin("step_on_day", "step_on_day.id", "user_steps.step_on_day_id")
      .innerJoin("steps", "steps.id", "step_on_day.step_id")
      .select([
        "user_steps.id",
        "user_steps.user_training_id",
        "steps.title as step_title",
        "user_steps.status",
        "user_steps.paused",
        "user_steps.remaining_sec",
        "user_steps.active_seconds",
        "user_steps.completed_at",
        "user_steps.created_at",
        "user_steps.updated_at",
      ])
      .where("user_steps.user_id", "=", userId).orderBy("user_steps.created_at").execute(),
    db.selectFrom("diary_entries").selectAll().where("user_id", "=", userId)
      .orderBy("created_at").execute(),
    db.selectFrom("exam_results").selectAll().where("user_id", "=", userId)
      .orderBy("id").execute(),
    db.selectFrom("exam_attempts").selectAll().where("user_id", "=", userId)
      .orderBy("submitted_at").execute(),
    db.selectFrom("course_reviews")
      .innerJoin("courses", "courses.id", "course_reviews.course_id")
      .select([
        "courses.slug as course_slug",
        "course_reviews.rating",
        "course_reviews.comment",
        "course_reviews.created_at",
        "course_reviews.updated_at",
      ])
      .where("course_reviews.user_id", "=", userId).execute(),
    db.selectFrom("favorites")
      .innerJoin("courses", "courses.id", "favorites.course_id")
      .select(["courses.slug as course_slug", "favorites.created_at"])
      .where("favorites.user_id", "=", userId).execute(),
    db.selectFrom("notifications")
      .select(["id", "kind", "title", "body", "url", "read_at", "created_at"])
      .where("user_id", "=", userId).orderBy("created_at").execute(),
    db.selectFrom("notification_prefs").select("prefs").where("user_id", "=", userId)
      .executeTakeFirst(),
    db.selectFrom("training_reminders").selectAll().where("user_id", "=", userId).execute(),
  ]);
  const { telegram_chat_id, ...rest } = account;
  return {
    exportedAt: new Date().toISOString(),
    account: { ...rest, telegram_linked: telegram_chat_id !== null },
    profile: profile ?? null,
    pets,
    progress: { courses, days: trainings, steps },
    diary,
    exams: { results: exams, attempts: examAttempts },
    reviews,
    favorites,
    notifications,
    notificationChoices: prefs?.prefs ?? null,
    reminders,
  };
}

/** The storage prefixes that hold the user's own files. */
export function userFilePrefixes(userId: string): string[] {
  return [`users/${userId}/`, `exams/${userId}/`];
}

/** Media is already compressed: stored as is; the rest is deflated. */
const STORED = /\.(jpe?g|png|webp|gif|avif|mp4|webm|mov|m4v|ts|m4s|mp3|ogg|pdf|zip)$/i;

/**
 * The signed-in user's archive: a file name and a stream of its bytes.
 * Throws UnauthenticatedError without a user, RateLimitedError (429,
 * Retry-After) past `RATE_RULES.dataExport`.
 */
export async function exportMyData(
  s: Services,
  who: SessionUser | null,
): Promise<{ filename: string; body: ReadableStream<Uint8Array> }> {
  const user = requireUser(who);
  await enforce(s.kv, RATE_RULES.dataExport, user.id);
  // Collected before the answer starts, so a database error is a normal error page.
  const data = await collectUserData(s, user.id);
  const files = (await Promise.all(userFilePrefixes(user.id).map((p) => s.storage.list(p))))
    .flat();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>(
    undefined,
    { highWaterMark: 4 },
  );
  const writer = writable.getWriter();
  let failed: unknown = null;
  const zip = new Zip((err, chunk, final) => {
    if (err) {
      failed = err;
      return;
    }
    void writer.write(chunk).catch(() => {});
    if (final) void writer.close().catch(() => {});
  });
  (async () => {
    const json = new ZipDeflate("data.json", { level: 6 });
    zip.add(json);
    json.push(new TextEncoder().encode(JSON.stringify(data, null, 2)), true);
    for (const f of files) {
      const obj = await s.storage.get(f.key);
      if (!obj) continue; // removed meanwhile
      const entry = STORED.test(f.key)
        ? new ZipPassThrough(`files/${f.key}`)
        : new ZipDeflate(`files/${f.key}`, { level: 6 });
      zip.add(entry);
      const reader = obj.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        entry.push(value, false);
        // Wait while the reader is behind: memory stays at a few chunks.
        await writer.ready;
        if (failed) throw failed;
      }
      entry.push(new Uint8Array(0), true);
    }
    zip.end();
    log.info("data export sent", { userId: user.id, files: files.length });
  })().catch((err) => {
    log.error("data export failed", { userId: user.id, err });
    zip.terminate();
    void writer.abort(err).catch(() => {});
  });
  const day = new Date().toISOString().slice(0, 10);
  return { filename: `gafus-${user.username}-${day}.zip`, body: readable };
}
