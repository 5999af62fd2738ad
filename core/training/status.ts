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

/** How many of a set of items are in each state that decides the set's status. */
export interface StatusCounts {
  total: number;
  completed: number;
  /** IN_PROGRESS, paused or COMPLETED. */
  progress: number;
  reset: number;
}

export const noCounts = (): StatusCounts => ({ total: 0, completed: 0, progress: 0, reset: 0 });

/** Counts one more item in `c`. */
export function countStatus(c: StatusCounts, status: TrainingStatus, paused = false): void {
  c.total++;
  if (status === "COMPLETED") c.completed++;
  if (status === "IN_PROGRESS" || status === "COMPLETED" || paused) c.progress++;
  if (status === "RESET") c.reset++;
}

/**
 * All COMPLETED → COMPLETED; any IN_PROGRESS, paused or COMPLETED →
 * IN_PROGRESS; otherwise any RESET → RESET; else NOT_STARTED. A day without
 * steps has nothing to do: NOT_STARTED (and the course roll-up skips it).
 */
export function statusOfCounts(c: StatusCounts): TrainingStatus {
  if (c.total === 0) return "NOT_STARTED";
  if (c.completed === c.total) return "COMPLETED";
  if (c.progress > 0) return "IN_PROGRESS";
  if (c.reset > 0) return "RESET";
  return "NOT_STARTED";
}

/** The status of a day from its steps (the rule of `statusOfCounts`). */
export function deriveStatus(items: readonly StepStatusInput[]): TrainingStatus {
  const c = noCounts();
  for (const it of items) countStatus(c, it.status, it.paused);
  return statusOfCounts(c);
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
