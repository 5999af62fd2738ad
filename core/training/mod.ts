/**
 * The learner's training: progress engine, day page data, step actions,
 * diary and exams. Other areas import from here.
 */
export { dayStatuses, type DayStatusMap, loadDayStatuses } from "./progress.ts";
export { deriveCourseStatus, deriveStatus } from "./status.ts";
export { TrainingError, type TrainingErrorCode } from "./errors.ts";
export { type DayPage, openDay, progressQuery, type StepView } from "./day.ts";
export { uploadExamVideo } from "./exam_video.ts";
export { sniffVideo } from "../uploads.ts";
export {
  type ActionResult,
  completeStep,
  finishTimer,
  pauseStep,
  resetStep,
  resumeStep,
  runningTimer,
  startStep,
  type StepState,
  stepState,
  stepUrl,
  TIMER_TOLERANCE_MS,
} from "./steps.ts";
export { courseDiary, DIARY_MAX, saveDiary } from "./diary.ts";
export {
  approveExam,
  EXAM_VIDEO_MAX_BYTES,
  examResultFor,
  type ExamResultView,
  returnExam,
  scoreTest,
  submitExam,
  WRITTEN_MAX,
} from "./exams.ts";
