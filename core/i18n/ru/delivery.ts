/** The notification pipeline: channel wrappers, notification choices in settings, operator alerts. */
export const delivery = {
  // New notifications.
  "notifications.noteShared.title": "Заметка тренера",
  "notifications.noteShared.body": "Новая заметка «{note}» от тренера: {trainer}.",

  // Around a notification in Telegram and email.
  "delivery.unsubscribeLine": "Отписаться от таких сообщений: {url}",
  "delivery.email.why":
    "Вы получили это письмо, потому что выбрали уведомления «{category}» по почте.",
  "delivery.email.change": "Выбрать, какие уведомления и куда присылать: {url}",
  "delivery.email.unsubscribe": "Отписаться одним нажатием: {url}",

  // Categories and channels.
  "delivery.category.training": "Тренировки",
  "delivery.category.reminders": "Напоминания",
  "delivery.category.exams": "Экзамены",
  "delivery.category.courses": "Курсы и заметки тренера",
  "delivery.category.news": "Новости и приглашения вернуться",
  "delivery.categoryHint.training": "Таймер шага закончился",
  "delivery.categoryHint.reminders": "Напоминания о тренировках, которые вы настроили",
  "delivery.categoryHint.exams": "Экзамен проверен или ждёт проверки",
  "delivery.categoryHint.courses": "Открыт доступ к курсу, тренер поделился заметкой",
  "delivery.categoryHint.news": "Письма, если вы давно не занимались",
  "delivery.channel.push": "Push",
  "delivery.channel.telegram": "Telegram",
  "delivery.channel.email": "Почта",

  // The settings section.
  "delivery.settings.title": "Уведомления",
  "delivery.settings.intro":
    "Выберите, о чём и куда вам сообщать. В списке уведомлений на сайте они появляются всегда.",
  "delivery.settings.category": "О чём",
  "delivery.settings.cell": "{category} — {channel}",
  "delivery.settings.telegramOff":
    "Telegram не подключён: подключите бота в настройках, и сообщения будут приходить туда.",
  "delivery.settings.pushOff":
    "Push приходит в браузеры, где вы включили уведомления (раздел «Push-уведомления»).",
  "delivery.settings.emailOff": "Адрес почты не указан: письма отправлять некуда.",
  "delivery.settings.submit": "Сохранить",
  "settings.done.notifications": "Выбор уведомлений сохранён.",

  // Operator alerts (to the alert chat).
  "delivery.alert.more": "Ещё таких же за последние 10\u00a0минут: {count}.",
  "delivery.alert.open": "Открыть панель",
  "delivery.alert.jobDead": "Задача не выполнена после всех попыток: {job}",
  "delivery.alert.readyFailing": "Сервис не готов: /ready не проходит",
  "delivery.alert.readyRecovered": "Сервис снова готов: /ready проходит",
} as const;
