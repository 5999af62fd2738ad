/**
 * Authoring in the studio beyond the basic editors: the exam's test editor,
 * "where else used", archive and delete of days and courses, template
 * editing; and the learner's view of a step's checklist.
 */
export const studioAuthoring = {
  "training.step.checklist": "Чек-лист",

  "studio.authoring.q.title": "Тест (для экзамена)",
  "studio.authoring.q.count": {
    one: "{count}\u00a0вопрос",
    few: "{count}\u00a0вопроса",
    many: "{count}\u00a0вопросов",
    other: "{count}\u00a0вопроса",
  },
  "studio.authoring.q.hint":
    "До {max}\u00a0вопросов, у каждого от 2 до 6\u00a0вариантов ответа; отметьте верный. Пустой вопрос не сохраняется. Кнопки «Добавить» и «Удалить» ничего не сохраняют — сохраните шаг в конце.",
  "studio.authoring.q.n": "Вопрос {n}",
  "studio.authoring.q.question.label": "Текст вопроса",
  "studio.authoring.q.options.label": "Варианты ответа (от {min} до {max}), отметьте верный",
  "studio.authoring.q.correct.label": "Верный — вариант {n}",
  "studio.authoring.q.option.label": "Вариант {n}",
  "studio.authoring.q.removeOption": "Убрать вариант {n}",
  "studio.authoring.q.addOption": "Добавить вариант",
  "studio.authoring.q.comment.label": "Комментарий к ответу",
  "studio.authoring.q.comment.hint": "Ученик увидит его после ответа. До 500\u00a0символов.",
  "studio.authoring.q.remove": "Удалить вопрос {n}",
  "studio.authoring.q.add": "Добавить вопрос",
  "studio.authoring.q.question": "Вопрос: от 3 до 500\u00a0символов",
  "studio.authoring.q.option": "Вариант ответа: не длиннее 200\u00a0символов",
  "studio.authoring.q.options": "Нужно от 2 до 6\u00a0вариантов ответа",
  "studio.authoring.q.correct": "Отметьте верный вариант ответа",
  "studio.authoring.q.comment": "Комментарий: не длиннее 500\u00a0символов",
  "studio.authoring.q.tooMany": "Не больше 50\u00a0вопросов",

  "studio.authoring.used.step": {
    one: "Этот шаг используется в {count}\u00a0курсе",
    few: "Этот шаг используется в {count}\u00a0курсах",
    many: "Этот шаг используется в {count}\u00a0курсах",
    other: "Этот шаг используется в {count}\u00a0курса",
  },
  "studio.authoring.used.day": {
    one: "Этот день используется в {count}\u00a0курсе",
    few: "Этот день используется в {count}\u00a0курсах",
    many: "Этот день используется в {count}\u00a0курсах",
    other: "Этот день используется в {count}\u00a0курса",
  },
  "studio.authoring.used.before": "Изменения увидят ученики всех этих курсов.",
  "studio.authoring.used.after": "Изменения уже видят ученики всех этих курсов.",
  "studio.authoring.day.inUse":
    "На этом дне есть прогресс учеников ({learners}): удалить его нельзя, только архивировать.",
  "studio.authoring.course.inUse":
    "Этот курс уже проходят ученики ({learners}): удалить его нельзя, только архивировать.",
  "studio.authoring.remove": "Удалить или в архив…",
  "studio.authoring.remove.title.day": "Удалить день «{title}»?",
  "studio.authoring.remove.title.course": "Удалить курс «{title}»?",
  "studio.authoring.delete.text.day": "Этот день никто не начинал: его можно удалить насовсем.",
  "studio.authoring.delete.courses": "Он будет убран из курсов:",
  "studio.authoring.delete.text.course":
    "Этот курс никто не начинал: его можно удалить насовсем. Его дни останутся в списке ваших дней.",
  "studio.authoring.archiveOnly.day": {
    one:
      "На этом дне есть прогресс {count}\u00a0ученика, поэтому удалить его нельзя — только перенести в архив.",
    few:
      "На этом дне есть прогресс {count}\u00a0учеников, поэтому удалить его нельзя — только перенести в архив.",
    many:
      "На этом дне есть прогресс {count}\u00a0учеников, поэтому удалить его нельзя — только перенести в архив.",
    other:
      "На этом дне есть прогресс {count}\u00a0ученика, поэтому удалить его нельзя — только перенести в архив.",
  },
  "studio.authoring.archiveOnly.course": {
    one:
      "Этот курс начал {count}\u00a0ученик, поэтому удалить его нельзя — только перенести в архив.",
    few:
      "Этот курс начали {count}\u00a0ученика, поэтому удалить его нельзя — только перенести в архив.",
    many:
      "Этот курс начали {count}\u00a0учеников, поэтому удалить его нельзя — только перенести в архив.",
    other:
      "Этот курс начали {count}\u00a0ученика, поэтому удалить его нельзя — только перенести в архив.",
  },
  "studio.authoring.archive.text.day":
    "В архиве день скрыт из ваших списков и из выбора при сборке курсов. В курсах, где он уже есть, он остаётся: ученики продолжают заниматься, их прогресс и дневник сохраняются.",
  "studio.authoring.archive.text.course":
    "В архиве курс скрыт из каталога и ваших списков. Ученики, которые его начали, сохраняют прогресс, результаты экзаменов и дневник и по-прежнему открывают курс.",
  "studio.authoring.confirm.delete": "Удалить насовсем",
  "studio.authoring.confirm.archive": "Перенести в архив",
  "studio.authoring.confirm.cancel": "Отмена",
  "studio.authoring.done.deleted.day": "День удалён.",
  "studio.authoring.done.deleted.course": "Курс удалён.",
  "studio.authoring.done.archived.day": "День перенесён в архив.",
  "studio.authoring.done.archived.course": "Курс перенесён в архив.",
  "studio.authoring.done.unarchived": "Возвращено из архива.",
  "studio.authoring.archive.title.day": "Архив дней",
  "studio.authoring.archive.title.course": "Архив курсов",
  "studio.authoring.archive.hint": "Скрыты из списков и каталога; прогресс учеников сохранён.",
  "studio.authoring.unarchive": "Вернуть из архива: {title}",
  "studio.authoring.archive.title": "Архив",
  "studio.authoring.archive.empty": "Пусто.",
  "studio.authoring.archive.link": "Архив",
  "studio.authoring.tpl.edit": "Изменить шаблон",
  "studio.authoring.tpl.save": "Сохранить шаблон",
  "studio.authoring.tpl.saved": "Шаблон сохранён.",
};
