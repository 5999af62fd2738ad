export const common = {
  "app.name": "Гафус",
  "app.tagline": "Учимся вместе — вы и ваша собака",
  "nav.main": "Основная навигация",
  "nav.home": "Главная",
  "nav.courses": "Курсы",
  "nav.skip": "Перейти к содержимому",
  "locale.switch": "Язык",
  "locale.ru": "Русский",
  "locale.en": "English",
  "footer.about": "Гафус — курсы дрессировки от кинологов, шаг за шагом.",
  "error.404.title": "Страница не найдена",
  "error.404.text": "Такой страницы нет. Возможно, ссылка устарела или в адресе опечатка.",
  "error.500.title": "Что-то пошло не так",
  "error.500.text":
    "Мы уже знаем об ошибке и разбираемся. Попробуйте обновить страницу чуть позже.",
  "error.requestId": "Код запроса: {id}",
  "error.home": "На главную",
  "minutes": {
    one: "{count} минута",
    few: "{count} минуты",
    many: "{count} минут",
    other: "{count} минуты",
  },
  "minutes.short": "{count} мин",
  "steps": {
    one: "{count} шаг",
    few: "{count} шага",
    many: "{count} шагов",
    other: "{count} шага",
  },
  "days": { one: "{count} день", few: "{count} дня", many: "{count} дней", other: "{count} дня" },
  "courses.count": {
    one: "{count} курс",
    few: "{count} курса",
    many: "{count} курсов",
    other: "{count} курса",
  },
  "landing.title": "Дрессировка, которая становится привычкой",
  "landing.lead":
    "Пошаговые курсы от кинологов: таймер для каждого упражнения, теория, дневник успехов и экзамены с обратной связью от тренера.",
  "landing.cta": "Смотреть курсы",
  "landing.feature.steps.title": "Шаг за шагом",
  "landing.feature.steps.text":
    "Каждый день курса — короткие упражнения с таймером. Прогресс сохраняется на всех устройствах.",
  "landing.feature.trainer.title": "Тренер рядом",
  "landing.feature.trainer.text":
    "Экзамены с видео и письменными ответами проверяет кинолог и оставляет комментарий.",
  "landing.feature.habit.title": "Привычка, а не рывок",
  "landing.feature.habit.text":
    "Напоминания в браузере и Telegram, серии дней и достижения помогают не бросить.",
  "landing.popular": "Популярные курсы",
};
