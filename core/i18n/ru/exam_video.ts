/** Learners' exam videos: the review copy and removal after the retention period. */
export const examVideo = {
  "examVideo.review.preparing":
    "Готовим облегчённую копию для просмотра — пока показан оригинал, он может грузиться дольше.",
  "examVideo.review.ready": "Показана облегчённая копия (до 480p).",
  "examVideo.review.failed": "Облегчённую копию сделать не удалось ({reason}). Показан оригинал.",
  "examVideo.review.error.corrupt": "файл повреждён или не читается",
  "examVideo.review.error.tooLong": "видео длиннее часа",
  "examVideo.review.error.timeout": "обработка заняла слишком много времени",
  "examVideo.review.error.ffmpeg": "ошибка обработки видео",
  "examVideo.review.error.missing": "исходный файл не найден",
  "examVideo.original": "Скачать оригинал",
  "examVideo.removed.auto_cleanup_approved":
    "Видео удалено {date}: после одобрения экзамена видео хранится {days}.",
  "examVideo.removed.auto_cleanup_pending":
    "Видео удалено {date}: видео экзамена без итоговой проверки хранится {days}.",
  "examVideo.removed.other": "Видео удалено {date}.",
  "examVideo.removed.learner": "Отправленное видео удалено: истёк срок его хранения.",
  "examVideo.days": {
    one: "{count}\u00a0день",
    few: "{count}\u00a0дня",
    many: "{count}\u00a0дней",
    other: "{count}\u00a0дня",
  },
};
