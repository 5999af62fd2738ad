/** Trainers' videos: messages shared by upload, transcoding and playback. */
import type { video as ru } from "../ru/video.ts";
import type { Message } from "../format.ts";

export const video: { [K in keyof typeof ru]: Message } = {
  "video.rejected.unreadable": "The video file could not be read: it is damaged or not a video",
  "video.rejected.noVideo": "The file has no video track",
  "video.rejected.tooLong": "The video is longer than {minutes}\u00a0minutes",
};
