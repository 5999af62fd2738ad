/**
 * Every job type. **Append point:** one import and one entry per job
 * (`queues/jobs/<name>.ts` default-exports its `defineJob(…)`).
 *
 * `JobMap` (job name → payload) is derived from this list and types
 * `services.jobs.enqueue`: a job that is not here, or a payload its schema
 * does not accept, is a compile-time error.
 */
import type { JobMapOf } from "../define.ts";
import maintenance from "./maintenance.ts";
import opsAlert from "./ops_alert.ts";
import jobsSweep from "./jobs_sweep.ts";
import push from "./push.ts";
import stepFinished from "./step_finished.ts";
import examVideoPreview from "./exam_video_preview.ts";
import examCleanup from "./exam_cleanup.ts";
import videoTranscode from "./video_transcode.ts";
import telegram from "./telegram.ts";
import email from "./email.ts";
import reminders from "./reminders.ts";
import reengagement from "./reengagement.ts";
import readyCheck from "./ready_check.ts";
import broadcast from "./broadcast.ts";

export const jobs = [
  maintenance,
  opsAlert,
  jobsSweep,
  push,
  stepFinished,
  examVideoPreview,
  examCleanup,
  videoTranscode,
  telegram,
  email,
  reminders,
  reengagement,
  readyCheck,
  broadcast,
] as const;

export type JobMap = JobMapOf<typeof jobs>;
export type JobName = keyof JobMap;
