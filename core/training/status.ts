/**
 * How statuses roll up, as in the original: a day's status is derived from
 * its steps, a course's from its days. Pure functions (no database), so the
 * engine, the day page and tests apply one rule.
 */
import type { TrainingStatus } from "@/db/schema.ts";

export interface StepStatusInput {
  status: TrainingStatus;
  paused: boolean;
}

/**
 * All COMPLETED → COMPLETED; any IN_PROGRESS, paused or COMPLETED →
 * IN_PROGRESS; otherwise any RESET → RESET; else NOT_STARTED. A day without
 * steps has nothing to do: NOT_STARTED (and the course roll-up skips it).
 */
export function deriveStatus(items: readonly StepStatusInput[]): TrainingStatus {
  if (items.length === 0) return "NOT_STARTED";
  let completed = 0, progress = false, reset = false;
  for (const it of items) {
    if (it.status === "COMPLETED") completed++;
    if (it.status === "IN_PROGRESS" || it.status === "COMPLETED" || it.paused) progress = true;
    if (it.status === "RESET") reset = true;
  }
  if (completed === items.length) return "COMPLETED";
  if (progress) return "IN_PROGRESS";
  if (reset) return "RESET";
  return "NOT_STARTED";
}

/** The course's status from its days' (effective) statuses; days without steps are skipped. */
export function deriveCourseStatus(
  days: readonly { status: TrainingStatus; stepCount: number }[],
): TrainingStatus {
  return deriveStatus(
    days.filter((d) => d.stepCount > 0).map((d) => ({ status: d.status, paused: false })),
  );
}

/** Index of the first step that is not COMPLETED (the last index when all are). */
export function currentStepIndex(statuses: readonly TrainingStatus[]): number {
  const i = statuses.findIndex((s) => s !== "COMPLETED");
  return i < 0 ? Math.max(0, statuses.length - 1) : i;
}

/** `started_at` / `completed_at` after a status change (started once, completed while COMPLETED). */
export function stampDates(
  next: TrainingStatus,
  prev: { startedAt: Date | null; completedAt: Date | null },
  now: Date,
): { startedAt: Date | null; completedAt: Date | null } {
  const startedAt = prev.startedAt ?? (next === "NOT_STARTED" ? null : now);
  const completedAt = next === "COMPLETED" ? prev.completedAt ?? now : null;
  return { startedAt, completedAt };
}
