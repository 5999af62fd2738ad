/**
 * A refused training action that the learner can understand: a running
 * timer elsewhere, a timer that has not finished, a locked day… Carries an
 * HTTP status, a stable code for clients and the i18n key of its message.
 */
import type { MessageKey } from "../i18n/mod.ts";
import { AppError, type FieldMessage } from "../app_error.ts";

export type TrainingErrorCode =
  | "timer_running"
  | "too_early"
  | "not_timer"
  | "wrong_type"
  | "day_locked"
  | "exam_closed"
  | "exam_not_pending"
  | "video_not_required"
  | "video_missing";

const MESSAGES: Record<TrainingErrorCode, MessageKey> = {
  timer_running: "training.error.timerRunning",
  too_early: "training.error.tooEarly",
  not_timer: "training.error.notTimer",
  wrong_type: "training.error.wrongType",
  day_locked: "training.error.dayLocked",
  exam_closed: "training.error.examClosed",
  exam_not_pending: "training.error.examNotPending",
  video_not_required: "training.error.videoNotRequired",
  video_missing: "training.error.videoMissing",
};

export class TrainingError extends AppError {
  declare readonly status: 403 | 409 | 413 | 415 | 422;
  declare readonly code: TrainingErrorCode;
  constructor(
    status: 403 | 409 | 413 | 415 | 422,
    code: TrainingErrorCode,
    /** Extra fields for the JSON answer (e.g. which timer is running) and message variables. */
    data: Record<string, string | number | null> = {},
    /** For a refusal the form can show beside a field (a missing exam video). */
    fields?: Record<string, FieldMessage>,
  ) {
    super(status, code, MESSAGES[code], { data, fields, message: code });
    this.name = "TrainingError";
  }
}
