/** The learner's video player and its playback errors. */
import type { videoPlayer as ru } from "../ru/video_player.ts";
import type { Message } from "../format.ts";

export const videoPlayer: { [K in keyof typeof ru]: Message } = {
  "videoPlayer.play": "Play the video “{title}”",
  "videoPlayer.quality": "Quality",
  "videoPlayer.quality.auto": "Auto",
  "videoPlayer.loading": "Loading the video…",
  "videoPlayer.failed": "The video did not load. Reload the page and try again.",
  "videoPlayer.error.tokenExpired": "The video link has expired, reload the page",
  "videoPlayer.error.tokenInvalid": "The video link is not valid",
  "videoPlayer.error.notReady": "The video is still being processed",
};
