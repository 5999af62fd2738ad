/** English. Typed against Russian so every key exists in both. */
import type { Dictionary } from "./types.ts";
import { common } from "./en/common.ts";
import { catalogue } from "./en/catalogue.ts";
import { achievements } from "./en/achievements.ts";
import { validation } from "./en/validation.ts";
import { auth } from "./en/auth.ts";
import { notifications } from "./en/notifications.ts";
import { delivery } from "./en/delivery.ts";
import { training } from "./en/training.ts";
import { profile } from "./en/profile.ts";
import { ops } from "./en/ops.ts";
import { legal } from "./en/legal.ts";
import { studioSteps } from "./en/studio_steps.ts";
import { studioExams } from "./en/studio_exams.ts";
import { studioBuild } from "./en/studio_build.ts";
import { studioAccess } from "./en/studio_access.ts";
import { studioTemplates } from "./en/studio_templates.ts";
import { studioMedia } from "./en/studio_media.ts";
import { studioReorder } from "./en/studio_reorder.ts";
import { personalisation } from "./en/personalisation.ts";
import { studioAuthoring } from "./en/studio_authoring.ts";
import { video } from "./en/video.ts";
import { studioStats } from "./en/studio_stats.ts";
import { examVideo } from "./en/exam_video.ts";
import { videoPlayer } from "./en/video_player.ts";
import { studioVideos } from "./en/studio_videos.ts";
import { reminders } from "./en/reminders.ts";
import { bot } from "./en/bot.ts";
import { email } from "./en/email.ts";
import { reengagement } from "./en/reengagement.ts";
import { api } from "./en/api.ts";
import { admin } from "./en/admin.ts";
import { offline } from "./en/offline.ts";
import { pwa } from "./en/pwa.ts";

export const en: Dictionary = {
  ...common,
  ...catalogue,
  ...achievements,
  ...validation,
  ...auth,
  ...notifications,
  ...delivery,
  ...training,
  ...profile,
  ...ops,
  ...legal,
  ...studioSteps,
  ...studioExams,
  ...studioBuild,
  ...studioAccess,
  ...studioTemplates,
  ...studioMedia,
  ...studioReorder,
  ...personalisation,
  ...studioAuthoring,
  ...video,
  ...studioStats,
  ...examVideo,
  ...videoPlayer,
  ...studioVideos,
  ...reminders,
  ...bot,
  ...email,
  ...reengagement,
  ...api,
  ...admin,
  ...offline,
  ...pwa,
};
