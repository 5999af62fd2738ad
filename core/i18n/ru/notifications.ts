/** In-app notifications, Web Push texts and push settings. */
export const notifications = {
  // Texts of notifications (rendered in the recipient's language by `notify`).
  "notifications.stepFinished.title": "Вы великолепны!",
  "notifications.stepFinished.body": "Вы успешно прошли «{step}».",
  "notifications.examApproved.title": "«{step}» зачтён ✅",
  "notifications.examApproved.body":
    "Тренер проверил ваш экзамен. Можете переходить к следующему шагу.",
  "notifications.examReturned.title": "«{step}» требует доработки",
  "notifications.examReturned.body": "Комментарий тренера: {comment}",
  "notifications.examReturned.bodyNoComment":
    "Тренер вернул экзамен на доработку. Откройте шаг, чтобы посмотреть, что исправить.",
  "notifications.examSubmitted.title": "Новый экзамен: «{step}»",
  "notifications.examSubmitted.body": "Экзамен ждёт проверки. Отправил: {learner}.",
  "notifications.trainingReminder.title": "Напоминание о тренировке 🐕",
  "notifications.trainingReminder.body":
    "Пора заниматься с питомцем! Не забудьте про сегодняшнюю тренировку.",

  // The list page.
  "notifications.title": "Уведомления",
  "notifications.lead": "Новые сообщения о ваших тренировках и экзаменах.",
  "notifications.empty": "Уведомлений пока нет. Они появятся, когда вы начнёте заниматься.",
  "notifications.unread": {
    one: "{count}\u00a0непрочитанное",
    few: "{count}\u00a0непрочитанных",
    many: "{count}\u00a0непрочитанных",
    other: "{count}\u00a0непрочитанного",
  },
  "notifications.allRead": "Все уведомления прочитаны.",
  "notifications.unreadMark": "Новое",
  "notifications.markAllRead": "Отметить все как прочитанные",
  "notifications.markedRead": {
    one: "Отмечено как прочитанное: {count}",
    few: "Отмечено как прочитанные: {count}",
    many: "Отмечено как прочитанные: {count}",
    other: "Отмечено как прочитанные: {count}",
  },
  "notifications.open": "Открыть",
  "notifications.older": "Более ранние",
  "notifications.newest": "К новым",
  "notifications.pages": "Страницы уведомлений",
  "notifications.pushHint": "Хотите получать уведомления на телефон? Включите их в настройках.",
  "notifications.settingsLink": "Настройки уведомлений",

  // Push settings (the island on /settings).
  "push.title": "Push-уведомления",
  "push.lead":
    "Браузер покажет уведомление, когда закончится таймер упражнения или тренер проверит экзамен — даже если вкладка закрыта.",
  "push.enable": "Включить на этом устройстве",
  "push.disable": "Выключить на этом устройстве",
  "push.on": "Уведомления включены на этом устройстве.",
  "push.off": "Уведомления на этом устройстве выключены.",
  "push.checking": "Проверяем, поддерживает ли браузер уведомления…",
  "push.noscript": "Для push-уведомлений нужен JavaScript. Список уведомлений доступен и без него.",
  "push.unsupported":
    "Этот браузер не поддерживает push-уведомления. На iPhone и iPad добавьте сайт на экран «Домой» и откройте его оттуда (iOS 16.4 и новее).",
  "push.insecure": "Push-уведомления работают только на сайте с защищённым соединением (https).",
  "push.denied":
    "Уведомления для этого сайта запрещены в браузере. Разрешите их в настройках сайта (значок слева от адреса), затем обновите страницу.",
  "push.dismissed": "Вы не дали разрешение. Нажмите кнопку ещё раз, когда будете готовы.",
  "push.unavailable": "Push-уведомления на сервере сейчас не настроены.",
  "push.failed": "Не удалось включить уведомления: {reason}. Попробуйте позже.",
  "push.disableFailed": "Не удалось выключить уведомления. Попробуйте позже.",
  "push.working": "Подождите…",

  // Validation of a subscription sent by the browser.
  "push.validation.endpoint": "Адрес push-сервиса должен быть ссылкой https",
  "push.validation.p256dh":
    "Ключ p256dh должен быть открытым ключом P-256 (65\u00a0байт, base64url)",
  "push.validation.auth": "Секрет auth должен занимать 16\u00a0байт (base64url)",
};
