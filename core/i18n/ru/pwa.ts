/** The installable app and offline mode: update banner, install prompt, kept courses, offline page. */
export const pwa = {
  "pwa.update.text": "Доступна новая версия Гафуса.",
  "pwa.update.reload": "Обновить",
  "pwa.install.text": "Установите Гафус на телефон: сохранённые курсы откроются и без интернета.",
  "pwa.install.accept": "Установить",
  "pwa.install.later": "Не сейчас",
  "pwa.install.label": "Установка приложения",
  "pwa.keep.title": "Курс без интернета",
  "pwa.keep.lead":
    "Сохраните курс на этом устройстве, чтобы открывать дни и шаги на прогулке без сети.",
  "pwa.keep.button": "Сохранить курс на устройстве",
  "pwa.keep.checking": "Считаем размер…",
  "pwa.keep.size": "Займёт около {size}: страниц — {pages}, файлов — {files}.",
  "pwa.keep.videos": "В том числе видео ({n}) в низком качестве — {size}.",
  "pwa.keep.progress": "Загружено {done} из {total}",
  "pwa.keep.done": "Курс сохранён на устройстве и откроется без интернета.",
  "pwa.keep.kept": "Курс сохранён на устройстве ({size}).",
  "pwa.keep.remove": "Удалить с устройства",
  "pwa.keep.removed": "Курс удалён с устройства.",
  "pwa.keep.updating": "Курс изменился, обновляем сохранённую копию…",
  "pwa.keep.updated": "Сохранённая копия обновлена.",
  "pwa.keep.failed": "Не удалось сохранить курс: {reason}",
  "pwa.keep.offline": "Нет сети: сохранить курс можно, когда она появится.",
  "pwa.unit.kb": "КБ",
  "pwa.unit.mb": "МБ",
  "pwa.offline.title": "Нет подключения к интернету",
  "pwa.offline.lead":
    "Без сети открываются страницы, которые вы уже смотрели на этом устройстве, и курсы, сохранённые на нём.",
  "pwa.offline.kept": "Сохранённые курсы",
  "pwa.offline.none":
    "На этом устройстве нет сохранённых курсов. Откройте курс и нажмите «Сохранить курс на устройстве».",
  "pwa.offline.cannot":
    "Без сети видео смотрятся только из сохранённых курсов (в низком качестве). Нельзя загружать фото и видео, писать отзывы и менять настройки.",
  "pwa.offline.nojs": "Список сохранённых курсов виден, когда в браузере работает JavaScript.",
  "pwa.offline.retry": "Попробовать снова",
  "pwa.settings.title": "Офлайн",
  "pwa.settings.link": "Сохранённые на устройстве курсы",
} as const;
