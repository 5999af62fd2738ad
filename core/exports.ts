/**
 * Data exports for administrators (CLI `export:*`): every user, and the
 * progress of every learner of one course. Rows come in batches (keyset
 * pagination), so a large table is never held in memory; the total comes
 * first so a caller can show progress. No secrets are exported (no password
 * hashes, no tokens).
 */
import type { Services } from "./services.ts";
import { type OpsActor, requireOpsActor } from "./auth/guards.ts";
import { NotFoundError } from "./auth/guards.ts";
import { sql } from "kysely";

export type ExportRow = Record<string, string | number | boolean | null>;

export interface Export {
  columns: string[];
  total: number;
  /** Batches of rows, in a stable order. */
  rows(): AsyncGenerator<ExportRow[]>;
}

const BATCH = 500;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function exportUsers(s: Services, actor: OpsActor | null): Promise<Export> {
  requireOpsActor(actor, { write: true });
  const total = (await s.db.selectFrom("users").select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow()).n;
  return {
    columns: [
      "id",
      "username",
      "email",
      "role",
      "full_name",
      "locale",
      "time_zone",
      "telegram_linked",
      "created_at",
      "last_login_at",
      "disabled_at",
    ],
    total,
    async *rows() {
      let after = "";
      for (;;) {
        const batch = await s.db.selectFrom("users")
          .leftJoin("user_profiles", "user_profiles.user_id", "users.id")
          .select([
            "users.id",
            "users.username",
            "users.email",
            "users.role",
            "user_profiles.full_name",
            "users.locale",
            "users.time_zone",
            "users.telegram_chat_id",
            "users.created_at",
            "users.last_login_at",
            "users.disabled_at",
          ])
          .where("users.id", ">", after)
          .orderBy("users.id")
          .limit(BATCH)
          .execute();
        if (!batch.length) return;
        after = batch[batch.length - 1].id;
        yield batch.map((u) => ({
          id: u.id,
          username: u.username,
          email: u.email,
          role: u.role,
          full_name: u.full_name,
          locale: u.locale,
          time_zone: u.time_zone,
          telegram_linked: u.telegram_chat_id !== null,
          created_at: iso(u.created_at),
          last_login_at: iso(u.last_login_at),
          disabled_at: iso(u.disabled_at),
        }));
        if (batch.length < BATCH) return;
      }
    },
  };
}

/** Per learner of the course: status, dates, days and steps completed out of the current total. */
export async function exportCourseProgress(
  s: Services,
  actor: OpsActor | null,
  slug: string,
): Promise<Export & { course: { id: string; slug: string; name: string } }> {
  requireOpsActor(actor, { write: true });
  const course = await s.db.selectFrom("courses").select(["id", "slug", "name"])
    .where("slug", "=", slug.trim().toLowerCase()).executeTakeFirst();
  if (!course) throw new NotFoundError();
  return { course, ...await courseProgressExport(s, course.id) };
}

/**
 * Every learner of one course, by username: their name (only from a public
 * profile), status, dates, the days and steps completed among the live ones
 * (archived links count neither way) and the last progress change. The one
 * course-progress export: the admin CLI and the studio's CSV both read it;
 * callers check who may see it.
 */
export async function courseProgressExport(s: Services, courseId: string): Promise<Export> {
  const [days, steps, total] = await Promise.all([
    s.db.selectFrom("day_on_course").select((eb) => eb.fn.countAll<number>().as("n"))
      .where("course_id", "=", courseId).where("archived_at", "is", null)
      .executeTakeFirstOrThrow(),
    s.db.selectFrom("step_on_day")
      .innerJoin("day_on_course", "day_on_course.day_id", "step_on_day.day_id")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("day_on_course.course_id", "=", courseId)
      .where("day_on_course.archived_at", "is", null)
      .where("step_on_day.archived_at", "is", null)
      .executeTakeFirstOrThrow(),
    s.db.selectFrom("user_courses").select((eb) => eb.fn.countAll<number>().as("n"))
      .where("course_id", "=", courseId).executeTakeFirstOrThrow(),
  ]);
  return {
    columns: [...COURSE_PROGRESS_COLUMNS],
    total: Number(total.n),
    async *rows() {
      let after = "";
      for (;;) {
        const batch = await s.db.selectFrom("user_courses")
          .innerJoin("users", "users.id", "user_courses.user_id")
          .leftJoin("user_profiles", "user_profiles.user_id", "users.id")
          .select([
            "user_courses.user_id",
            "users.username",
            "user_courses.status",
            "user_courses.started_at",
            "user_courses.completed_at",
          ])
          // Free text a learner typed: exported only where their profile is public.
          .select(sql<string | null>`CASE WHEN user_profiles.is_public
            THEN user_profiles.full_name END`.as("full_name"))
          .select((eb) => [
            eb.selectFrom("user_trainings")
              .innerJoin("day_on_course", "day_on_course.id", "user_trainings.day_on_course_id")
              .select(eb.fn.countAll<number>().as("n"))
              .whereRef("user_trainings.user_id", "=", "user_courses.user_id")
              .where("day_on_course.course_id", "=", courseId)
              .where("day_on_course.archived_at", "is", null)
              .where("user_trainings.status", "=", "COMPLETED")
              .as("days_completed"),
            eb.selectFrom("user_steps")
              .innerJoin("user_trainings", "user_trainings.id", "user_steps.user_training_id")
              .innerJoin("day_on_course", "day_on_course.id", "user_trainings.day_on_course_id")
              .innerJoin("step_on_day", "step_on_day.id", "user_steps.step_on_day_id")
              .select(eb.fn.countAll<number>().as("n"))
              .whereRef("user_trainings.user_id", "=", "user_courses.user_id")
              .where("day_on_course.course_id", "=", courseId)
              .where("day_on_course.archived_at", "is", null)
              .where("step_on_day.archived_at", "is", null)
              .where("user_steps.status", "=", "COMPLETED")
              .as("steps_completed"),
            eb.selectFrom("user_trainings")
              .innerJoin("day_on_course", "day_on_course.id", "user_trainings.day_on_course_id")
              .innerJoin("user_steps", "user_steps.user_training_id", "user_trainings.id")
              .select((inner) => inner.fn.max("user_steps.updated_at").as("at"))
              .whereRef("user_trainings.user_id", "=", "user_courses.user_id")
              .where("day_on_course.course_id", "=", courseId)
              .as("last_activity_at"),
          ])
          .where("user_courses.course_id", "=", courseId)
          .where("users.username", ">", after)
          .orderBy("users.username")
          .limit(BATCH)
          .execute();
        if (!batch.length) return;
        after = batch[batch.length - 1].username;
        yield batch.map((r) => ({
          user_id: r.user_id,
          username: r.username,
          full_name: r.full_name,
          status: r.status,
          started_at: iso(r.started_at),
          completed_at: iso(r.completed_at),
          days_completed: Number(r.days_completed ?? 0),
          days_total: Number(days.n),
          steps_completed: Number(r.steps_completed ?? 0),
          steps_total: Number(steps.n),
          last_activity_at: r.last_activity_at ? new Date(r.last_activity_at).toISOString() : null,
        }));
        if (batch.length < BATCH) return;
      }
    },
  };
}

export const COURSE_PROGRESS_COLUMNS = [
  "user_id",
  "username",
  "full_name",
  "status",
  "started_at",
  "completed_at",
  "days_completed",
  "days_total",
  "steps_completed",
  "steps_total",
  "last_activity_at",
] as const;

/** An export as CSV bytes, streamed batch by batch: UTF-8 with a BOM (Excel reads Cyrillic right), CRLF. */
export function csvStream(data: Export): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const batches = data.rows();
  let header = true;
  return new ReadableStream({
    async pull(ctrl) {
      if (header) {
        header = false;
        ctrl.enqueue(enc.encode("\uFEFF" + csvLine(data.columns)));
        return;
      }
      const next = await batches.next();
      if (next.done) return ctrl.close();
      ctrl.enqueue(
        enc.encode(next.value.map((r) => csvLine(data.columns.map((c) => r[c] ?? null))).join("")),
      );
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
}

/**
 * One CSV field (RFC 4180). Text that a spreadsheet would run as a formula
 * (= + - @ at the start) gets a leading apostrophe.
 */
export function csvField(v: string | number | boolean | null): string {
  if (v === null) return "";
  let s = String(v);
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: (string | number | boolean | null)[]): string {
  return values.map(csvField).join(",") + "\r\n";
}
