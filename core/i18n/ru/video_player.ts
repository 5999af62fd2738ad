/** The learner's video player and its playback errors. */
export const videoPlayer = {
  "videoPlayer.play": "Смотреть видео «{title}»",
  "videoPlayer.quality": "Качество",
  "videoPlayer.quality.auto": "Авто",
  "videoPlayer.loading": "Загрузка видео…",
  "videoPlayer.failed": "Видео не загрузилось. Обновите страницу и попробуйте ещё раз.",
  "videoPlayer.error.tokenExpired": "Ссылка на видео устарела, обновите страницу",
  "videoPlayer.error.tokenInvalid": "Ссылка на видео недействительна",
  "videoPlayer.error.notReady": "Видео ещё обрабатывается",
};
