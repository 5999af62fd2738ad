/**
 * The success diary: one entry per learner per training day (upserted,
 * editable, ≤ 10 000 characters). Saving an entry completes the DIARY step;
 * the day page shows the course's other entries beside it.
 */
import { z } from "zod";
import type { Services } from "../services.ts";
import type { Viewer } from "../courses/access.ts";
import { newId } from "@/platform/ids.ts";
import { TrainingError } from "./errors.ts";
import { mutateStepAt, type StepRef } from "./context.ts";
import { type ActionResult, untimedCompletion } from "./steps.ts";
import { personalTitle } from "../personalisation/titles.ts";
import { type AppliedTime, applyClientTime, type ClientTime } from "../offline/client_time.ts";

export const DIARY_MAX = 10_000;

export const diarySchema = z.object({
  content: z.string({ error: (iss) => iss.input == null ? "training.validation.diary" : undefined })
    .trim()
    .min(1, { error: "training.validation.diary" })
    .max(DIARY_MAX),
});

export interface DiaryEntryView {
  dayId: string;
  dayOnCourseId: string;
  dayTitle: string;
  position: number;
  content: string;
  updatedAt: Date;
}

/** Saves (creates or replaces) the learner's entry for the step's day and completes the step. */
export async function saveDiary(
  s: Services,
  user: Viewer,
  ref: StepRef,
  input: unknown,
  opts: { now?: Date; client?: ClientTime } = {},
): Promise<ActionResult & { entry: { content: string; updatedAt: Date } }> {
  const now = opts.now ?? new Date();
  const { content } = diarySchema.parse(input);
  let entry = { content, updatedAt: now };
  let clock: AppliedTime | undefined;
  const result = await mutateStepAt(s, user, ref, now, async (trx, row, ctx) => {
    if (ctx.stepType !== "DIARY") throw new TrainingError(409, "wrong_type");
    // A step completed by an entry written offline keeps the time it was written.
    clock = opts.client ? applyClientTime(opts.client, now, row.completed_at) : undefined;
    const at = clock?.applied ?? now;
    const saved = await trx.insertInto("diary_entries")
      .values({ id: newId(), user_id: ctx.userId, day_id: ctx.dayId, content })
      .onConflict((oc) =>
        oc.columns(["user_id", "day_id"]).doUpdateSet({ content, updated_at: now })
      )
      .returning(["content", "updated_at"])
      .executeTakeFirstOrThrow();
    entry = { content: saved.content, updatedAt: saved.updated_at };
    if (row.status === "COMPLETED") return { row, changed: false };
    return { write: untimedCompletion(at), changed: true };
  });
  return { ...result, entry, clock };
}

/** The learner's diary entries for the days of a course, in course order. */
export async function courseDiary(
  s: Services,
  userId: string,
  courseId: string,
): Promise<DiaryEntryView[]> {
  const rows = await s.db.selectFrom("diary_entries as de")
    .innerJoin("day_on_course as dc", (j) =>
      j.onRef("dc.day_id", "=", "de.day_id")
        .on("dc.course_id", "=", courseId)
        .on("dc.archived_at", "is", null))
    .innerJoin("training_days as d", "d.id", "de.day_id")
    .select([
      "de.day_id",
      "dc.id as dc_id",
      "dc.position",
      "d.title",
      "de.content",
      "de.updated_at",
    ])
    .where("de.user_id", "=", userId)
    .orderBy("dc.position")
    .execute();
  const out: DiaryEntryView[] = [];
  for (const r of rows) {
    out.push({
      dayId: r.day_id,
      dayOnCourseId: r.dc_id,
      // Day titles may hold personalisation placeholders, like on the day page.
      dayTitle: await personalTitle(s.db, userId, courseId, r.title),
      position: r.position,
      content: r.content,
      updatedAt: r.updated_at,
    });
  }
  return out;
}
