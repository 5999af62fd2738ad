/**
 * Every migration, imported statically so `deno compile` bundles them (no
 * directory crawling at run time). To add one: create `NNNN_name.ts` with
 * `up`/`down`, import it here and add it to `migrations` under the same name.
 * Names sort lexically, so keep the four-digit prefix.
 */
import type { Migration, MigrationProvider } from "kysely/migration";
import * as m0001 from "./0001_core.ts";
import * as m0002Jobs from "./0002_jobs.ts";
import * as m0003Outbox from "./0003_outbox.ts";
import * as m0004LegalPages from "./0004_legal_pages.ts";
import * as m0005StudioSteps from "./0005_studio_steps.ts";
import * as m0006ExamAttempts from "./0006_exam_attempts.ts";
import * as m0007Templates from "./0007_templates.ts";
import * as m0008AccessNotes from "./0008_access_notes.ts";
import * as m0009Stats from "./0009_stats.ts";
import * as m0010Personalisation from "./0010_personalisation.ts";
import * as m0012CourseVideo from "./0012_course_video.ts";
import * as m0013ExamVideoReview from "./0013_exam_video_review.ts";
import * as m0014NotificationPrefs from "./0014_notification_prefs.ts";
import * as m0015DeliveryOutbox from "./0015_delivery_outbox.ts";
import * as m0017EmailChange from "./0017_email_change.ts";
import * as m0018TrainingReminders from "./0018_training_reminders.ts";
import * as m0019Reengagement from "./0019_reengagement.ts";
import * as m0021RefreshTokens from "./0021_refresh_tokens.ts";
import * as m0022Admin from "./0022_admin.ts";
import * as m0020IdempotencyKeys from "./0020_idempotency_keys.ts";
import * as m0024BroadcastRecipients from "./0024_broadcast_recipients.ts";
import * as m0025RefreshTokenPruning from "./0025_refresh_token_pruning.ts";
import * as m0026SharedKv from "./0026_shared_kv.ts";
import * as m0027PgJobs from "./0027_pg_jobs.ts";

export const migrations: Record<string, Migration> = {
  "0001_core": m0001,
  "0002_jobs": m0002Jobs,
  "0003_outbox": m0003Outbox,
  "0004_legal_pages": m0004LegalPages,
  "0005_studio_steps": m0005StudioSteps,
  "0006_exam_attempts": m0006ExamAttempts,
  "0007_templates": m0007Templates,
  "0008_access_notes": m0008AccessNotes,
  "0009_stats": m0009Stats,
  "0010_personalisation": m0010Personalisation,
  "0012_course_video": m0012CourseVideo,
  "0013_exam_video_review": m0013ExamVideoReview,
  "0014_notification_prefs": m0014NotificationPrefs,
  "0015_delivery_outbox": m0015DeliveryOutbox,
  "0017_email_change": m0017EmailChange,
  "0018_training_reminders": m0018TrainingReminders,
  "0019_reengagement": m0019Reengagement,
  "0021_refresh_tokens": m0021RefreshTokens,
  "0022_admin": m0022Admin,
  "0020_idempotency_keys": m0020IdempotencyKeys,
  "0024_broadcast_recipients": m0024BroadcastRecipients,
  "0025_refresh_token_pruning": m0025RefreshTokenPruning,
  "0026_shared_kv": m0026SharedKv,
  "0027_pg_jobs": m0027PgJobs,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
