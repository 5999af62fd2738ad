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
  const [days, steps, total] = await Promise.all([
    s.db.selectFrom("day_on_course").select((eb) => eb.fn.countAll<number>().as("n"))
      .where("course_id", "=", course.id).where("archived_at", "is", null)
      .executeTakeFirstOrThrow(),
    s.db.selectFrom("step_on_day")
      .innerJoin("day_on_course", "day_on_course.day_id", "step_on_day.day_id")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("day_on_course.course_id", "=", course.id)
      .where("day_on_course.archived_at", "is", null)
      .where("step_on_day.archived_at", "is", null)
      .executeTakeFirstOrThrow(),
    s.db.selectFrom("user_courses").select((eb) => eb.fn.countAll<number>().as("n"))
      .where("course_id", "=", course.id).executeTakeFirstOrThrow(),
  ]);
  return {
    course,
    columns: [
      "user_id",
      "username",
      "status",
      "started_at",
      "completed_at",
      "days_completed",
      "days_total",
      "steps_completed",
      "steps_total",
      "last_activity_at",
    ],
    total: total.n,
    async *rows() {
      let after = "";
      for (;;) {
        const batch = await s.db.selectFrom("user_courses")
          .innerJoin("users", "users.id", "user_courses.user_id")
          .select([
            "user_courses.user_id",
            "users.username",
            "user_courses.status",
            "user_courses.started_at",
            "user_courses.completed_at",
          ])
          .select((eb) => [
            eb.selectFrom("user_trainings")
              .innerJoin("day_on_course", "day_on_course.id", "user_trainings.day_on_course_id")
              .select(eb.fn.countAll<number>().as("n"))
              .whereRef("user_trainings.user_id", "=", "user_courses.user_id")
              .where("day_on_course.course_id", "=", course.id)
              .where("user_trainings.status", "=", "COMPLETED")
              .as("days_completed"),
            eb.selectFrom("user_steps")
              .innerJoin("user_trainings", "user_trainings.id", "user_steps.user_training_id")
              .innerJoin("day_on_course", "day_on_course.id", "user_trainings.day_on_course_id")
              .select(eb.fn.countAll<number>().as("n"))
              .whereRef("user_steps.user_id", "=", "user_courses.user_id")
              .where("day_on_course.course_id", "=", course.id)
              .where("user_steps.status", "=", "COMPLETED")
              .as("steps_completed"),
            eb.selectFrom("user_trainings")
              .innerJoin("day_on_course", "day_on_course.id", "user_trainings.day_on_course_id")
              .select((inner) => inner.fn.max("user_trainings.updated_at").as("at"))
              .whereRef("user_trainings.user_id", "=", "user_courses.user_id")
              .where("day_on_course.course_id", "=", course.id)
              .as("last_activity_at"),
          ])
          .where("user_courses.course_id", "=", course.id)
          .where("user_courses.user_id", ">", after)
          .orderBy("user_courses.user_id")
          .limit(BATCH)
          .execute();
        if (!batch.length) return;
        after = batch[batch.length - 1].user_id;
        yield batch.map((r) => ({
          user_id: r.user_id,
          username: r.username,
          status: r.status,
          started_at: iso(r.started_at),
          completed_at: iso(r.completed_at),
          days_completed: Number(r.days_completed ?? 0),
          days_total: days.n,
          steps_completed: Number(r.steps_completed ?? 0),
          steps_total: steps.n,
          last_activity_at: r.last_activity_at ? new Date(r.last_activity_at).toISOString() : null,
        }));
        if (batch.length < BATCH) return;
      }
    },
  };
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
