/** The trainer studio: its menu and the step editor (`/studio/steps`). */
export const studioSteps = {
  "studio.menu": "Разделы студии",
  "studio.menu.steps": "Шаги",
  "studio.menu.steps.text": "Упражнения, теория, перерывы, дневник и экзамены для ваших дней.",

  "studio.steps.title": "Шаги",
  "studio.steps.lead":
    "Шаги — кирпичики ваших дней. Один шаг можно использовать в нескольких днях.",
  "studio.steps.back": "Все шаги",
  "studio.steps.new": "Новый шаг",
  "studio.steps.search": "Поиск по названию",
  "studio.steps.search.submit": "Найти",
  "studio.steps.sort": "Сортировка",
  "studio.steps.sort.updated": "сначала изменённые",
  "studio.steps.sort.title": "по названию",
  "studio.steps.sort.type": "по типу",
  "studio.steps.empty": "Шагов пока нет. Создайте первый — потом добавите его в день курса.",
  "studio.steps.empty.search": "Ничего не найдено по запросу «{q}».",
  "studio.steps.col.title": "Название",
  "studio.steps.col.type": "Тип",
  "studio.steps.col.updated": "Изменён",
  "studio.steps.col.author": "Автор",
  "studio.steps.col.days": "В днях",
  "studio.steps.count": {
    one: "{count}\u00a0шаг",
    few: "{count}\u00a0шага",
    many: "{count}\u00a0шагов",
    other: "{count}\u00a0шага",
  },

  "studio.steps.new.title": "Новый шаг",
  "studio.steps.edit.title": "Шаг: {title}",
  "studio.steps.create": "Создать шаг",
  "studio.steps.save": "Сохранить",
  "studio.steps.preview": "Предпросмотр",
  "studio.steps.preview.title": "Так ученик увидит описание",
  "studio.steps.preview.empty": "Описание пустое.",
  "studio.steps.created": "Шаг создан",
  "studio.steps.saved": "Изменения сохранены. Ученики видят их сразу.",
  "studio.steps.deleted": "Шаг удалён",
  "studio.steps.author": "Автор: {name}",

  "studio.steps.field.title": "Название",
  "studio.steps.field.title.hint": "От 3 до 100\u00a0символов",
  "studio.steps.field.type": "Тип шага",
  "studio.steps.field.description": "Описание",
  "studio.steps.field.description.hint":
    "Markdown: **жирный**, *курсив*, списки, ссылки. HTML показывается как текст.",
  "studio.steps.field.duration": "Длительность таймера",
  "studio.steps.field.duration.hint":
    "мм:сс, например 02:30. Только для тренировки и перерыва, до 100\u00a0минут.",
  "studio.steps.field.estimatedMinutes": "Примерное время, минут",
  "studio.steps.field.estimatedMinutes.hint": "Сколько займёт шаг, от 1 до 1440",
  "studio.steps.field.checklistItems": "Чек-лист",
  "studio.steps.field.checklistItems.hint":
    "Для практики и теории: один пункт в строке, до 50\u00a0пунктов по 200\u00a0символов.",
  "studio.steps.field.videoUrl": "Видео (ссылка)",
  "studio.steps.field.videoUrl.hint": "YouTube, Rutube, VK Видео или Vimeo",
  "studio.steps.field.requiresWritten": "Ожидается письменный ответ",
  "studio.steps.field.requiresVideo": "Ожидается видеоотчёт",
  "studio.steps.exam": "Что сдаёт ученик",
  "studio.steps.exam.hint": "Для экзамена: хотя бы одна часть.",
  "studio.steps.exam.questions": {
    one: "В тесте {count}\u00a0вопрос — он сохраняется.",
    few: "В тесте {count}\u00a0вопроса — они сохраняются.",
    many: "В тесте {count}\u00a0вопросов — они сохраняются.",
    other: "В тесте {count}\u00a0вопроса — они сохраняются.",
  },
  "studio.steps.optional": "необязательно",

  "studio.steps.validation.title": "От 3 до 100\u00a0символов",
  "studio.steps.validation.type": "Выберите тип шага",
  "studio.steps.validation.duration":
    "Для тренировки и перерыва: мм:сс от 00:01 до 100:00, например 02:30",
  "studio.steps.validation.estimated": "Целое число минут от 1 до 1440",
  "studio.steps.validation.checklist": "Пункт чек-листа: до 200\u00a0символов",
  "studio.steps.validation.checklistTooMany": "Не больше 50\u00a0пунктов",
  "studio.steps.validation.video": "Ссылка на видео YouTube, Rutube, VK Видео или Vimeo",
  "studio.steps.validation.videoBoth": "У шага уже есть загруженное видео: ссылку добавить нельзя",
  "studio.steps.validation.examPart":
    "Экзамену нужна хотя бы одна часть: тест, письменный ответ или видеоотчёт",

  "studio.steps.usages": "Где используется",
  "studio.steps.usages.none": "Шаг пока не добавлен ни в один день.",
  "studio.steps.usages.warning":
    "Шаг входит в несколько дней: изменения появятся везде, где он используется.",
  "studio.steps.usages.noCourse": "не входит в курсы",
  "studio.steps.usages.draft": "черновик",

  "studio.steps.delete": "Удалить шаг",
  "studio.steps.delete.title": "Удалить шаг «{title}»?",
  "studio.steps.delete.text": "Шаг удалится насовсем. Это нельзя отменить.",
  "studio.steps.delete.fromDays": "Он будет убран из этих дней:",
  "studio.steps.delete.confirm": "Да, удалить",
  "studio.steps.delete.cancel": "Отмена",
  "studio.steps.delete.inUse":
    "Шаг нельзя удалить: по нему уже занимаются ученики ({learners}). Их прогресс сохраняется.",
};
