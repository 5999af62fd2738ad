/**
 * Shared by the training API routes: the JSON of a step action. A refused
 * action (TrainingError) is answered by http/errors.ts like any AppError,
 * with its details (e.g. which timer runs) beside `error` and `message`.
 */
import { type ActionResult, stepState } from "@/core/training/steps.ts";

/** `{ step, day, course, celebrate }` after an action (day/course null when nothing changed). */
export function actionJson(r: ActionResult, now = new Date()) {
  return {
    step: stepState(r.row, r.ctx.durationSec, now),
    day: r.rollup ? { status: r.rollup.day.after } : null,
    course: r.rollup ? { status: r.rollup.course.after } : null,
    celebrate: r.rollup?.celebrate ?? null,
  };
}
