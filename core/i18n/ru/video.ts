/** Trainers' videos: messages shared by upload, transcoding and playback. */
export const video = {
  "video.rejected.unreadable": "Не удалось прочитать видеофайл: он повреждён или это не видео",
  "video.rejected.noVideo": "В файле нет видеодорожки",
  "video.rejected.tooLong": "Видео длиннее {minutes}\u00a0минут",
};
