/** Learners' exam videos: the review copy and removal after the retention period. */
import type { examVideo as ru } from "../ru/exam_video.ts";
import type { Message } from "../format.ts";

export const examVideo: { [K in keyof typeof ru]: Message } = {
  "examVideo.review.preparing":
    "Preparing a lighter copy for review — the original plays meanwhile and may load slower.",
  "examVideo.review.ready": "Showing a lighter copy (up to 480p).",
  "examVideo.review.failed": "A lighter copy could not be made ({reason}). Showing the original.",
  "examVideo.review.error.corrupt": "the file is damaged or unreadable",
  "examVideo.review.error.tooLong": "the video is longer than an hour",
  "examVideo.review.error.timeout": "processing took too long",
  "examVideo.review.error.ffmpeg": "video processing error",
  "examVideo.review.error.missing": "the original file is missing",
  "examVideo.original": "Download the original",
  "examVideo.removed.auto_cleanup_approved":
    "The video was removed on {date}: after an exam is approved its video is kept for {days}.",
  "examVideo.removed.auto_cleanup_pending":
    "The video was removed on {date}: an exam's video without a final review is kept for {days}.",
  "examVideo.removed.other": "The video was removed on {date}.",
  "examVideo.removed.learner": "The video you sent was removed: its storage period ended.",
  "examVideo.days": { one: "{count}\u00a0day", other: "{count}\u00a0days" },
};
