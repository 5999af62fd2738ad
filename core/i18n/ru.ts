/** Russian, the default language. Each area keeps its messages in its own file. */
import { common } from "./ru/common.ts";
import { catalogue } from "./ru/catalogue.ts";
import { achievements } from "./ru/achievements.ts";
import { validation } from "./ru/validation.ts";
import { auth } from "./ru/auth.ts";
import { notifications } from "./ru/notifications.ts";
import { delivery } from "./ru/delivery.ts";
import { training } from "./ru/training.ts";
import { profile } from "./ru/profile.ts";
import { ops } from "./ru/ops.ts";
import { legal } from "./ru/legal.ts";
import { studioSteps } from "./ru/studio_steps.ts";
import { studioExams } from "./ru/studio_exams.ts";
import { studioBuild } from "./ru/studio_build.ts";
import { studioAccess } from "./ru/studio_access.ts";
import { studioTemplates } from "./ru/studio_templates.ts";
import { studioMedia } from "./ru/studio_media.ts";
import { studioReorder } from "./ru/studio_reorder.ts";
import { personalisation } from "./ru/personalisation.ts";
import { studioAuthoring } from "./ru/studio_authoring.ts";
import { video } from "./ru/video.ts";
import { studioStats } from "./ru/studio_stats.ts";
import { examVideo } from "./ru/exam_video.ts";
import { videoPlayer } from "./ru/video_player.ts";
import { studioVideos } from "./ru/studio_videos.ts";
import { reminders } from "./ru/reminders.ts";
import { bot } from "./ru/bot.ts";
import { email } from "./ru/email.ts";
import { reengagement } from "./ru/reengagement.ts";
import { api } from "./ru/api.ts";
import { admin } from "./ru/admin.ts";
import { offline } from "./ru/offline.ts";
import { pwa } from "./ru/pwa.ts";

export const ru = {
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
