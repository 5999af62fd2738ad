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
    "До {max}\u00a0вопросов, у каждого от 2 до 6 вариантов ответа; отметьте верный. Пустой вопрос не сохраняется. Кнопки «Добавить» и «Удалить» ничего не сохраняют — сохраните шаг в конце.",
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
  "studio.authoring.q.options": "Нужно от 2 до 6 вариантов ответа",
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
};
