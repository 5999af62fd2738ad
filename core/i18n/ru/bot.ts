/** The Telegram bot's replies and command descriptions, and the settings section that links it. */
export const bot = {
  "bot.cmd.start": "Начать и связать чат с аккаунтом",
  "bot.cmd.progress": "Мои курсы и прогресс",
  "bot.cmd.next": "Следующий шаг на сегодня",
  "bot.cmd.reminders": "Напоминания о тренировках",
  "bot.cmd.reset": "Ссылка для нового пароля",
  "bot.cmd.language": "Язык бота",
  "bot.cmd.help": "Что умеет бот",
  "bot.cmd.stop": "Отвязать чат от аккаунта",

  "bot.start.welcome":
    "Здравствуйте! Это бот Gafus — курсов дрессировки собак. Чтобы видеть здесь прогресс, следующий шаг и получать напоминания, свяжите чат с аккаунтом: на сайте откройте «Настройки» → «Telegram» и нажмите «Подключить Telegram».",
  "bot.start.welcomeLinked":
    "Здравствуйте, {username}! Чат связан с вашим аккаунтом. Команды — /help.",
  "bot.start.linked":
    "Готово! Чат связан с аккаунтом {username}. Сюда будут приходить уведомления и напоминания. Команды — /help.",
  "bot.start.already": "Этот чат уже связан с аккаунтом {username}.",
  "bot.start.expired":
    "Ссылка устарела: она действует 10\u00a0минут. Получите новую на сайте в «Настройки» → «Telegram» и откройте её снова.",
  "bot.start.used":
    "Эта ссылка уже использована. Получите новую на сайте в «Настройки» → «Telegram».",
  "bot.start.unknown":
    "Ссылка не подошла. Получите новую на сайте в «Настройки» → «Telegram» и откройте её снова.",
  "bot.start.chatTaken":
    "Этот чат уже связан с другим аккаунтом. Сначала отвяжите его командой /stop, затем откройте ссылку снова.",
  "bot.button.settings": "Открыть настройки",
  "bot.button.catalogue": "Каталог курсов",

  "bot.stop.done":
    "Чат отвязан от аккаунта: уведомления сюда больше не придут. Связать снова можно в настройках на сайте.",
  "bot.stop.notLinked": "Этот чат не связан ни с одним аккаунтом.",
  "bot.needLink":
    "Эта команда работает, когда чат связан с аккаунтом. Откройте на сайте «Настройки» → «Telegram».",

  "bot.progress.title": "Ваши курсы:",
  "bot.progress.line": "• {name} — {percent}",
  "bot.progress.percent": "{count}\u00a0%",
  "bot.progress.none": "Начатых курсов пока нет. Выберите курс в каталоге.",
  "bot.progress.button": "{name}: дальше",

  "bot.next.text": "Следующий шаг: «{step}»\nКурс «{course}», {day}.",
  "bot.next.none":
    "Продолжать пока нечего: начатых курсов нет или всё пройдено. Загляните в каталог.",
  "bot.next.button": "Открыть шаг",

  "bot.reset.text":
    "Ссылка для нового пароля. Она действует 1\u00a0час и работает один раз. Если вы не просили сменить пароль, просто не открывайте её.",
  "bot.reset.button": "Задать новый пароль",

  "bot.language.choose": "Выберите язык:",
  "bot.language.done": "Готово: бот говорит по-русски.",

  "bot.help":
    "Что умеет бот:\n/progress — мои курсы и прогресс\n/next — следующий шаг на сегодня\n/reminders — напоминания о тренировках\n/reset — ссылка для нового пароля\n/language — язык\n/stop — отвязать чат\n/help — эта справка",
  "bot.unknown": "Не понимаю это сообщение. Список команд — /help.",
  "bot.error": "Что-то пошло не так. Попробуйте ещё раз чуть позже.",

  "telegram.link.off": "Бот Telegram на этом сайте не подключён.",
  "telegram.link.unavailable": "Telegram сейчас не отвечает. Попробуйте подключить его чуть позже.",
  "settings.telegram.title": "Telegram",
  "settings.telegram.off": "Бот Telegram на этом сайте не подключён.",
  "settings.telegram.intro":
    "Свяжите Telegram, чтобы видеть прогресс и следующий шаг в боте и получать туда уведомления и напоминания.",
  "settings.telegram.connect": "Подключить Telegram",
  "settings.telegram.linked": "Telegram подключён: бот знает ваш аккаунт.",
  "settings.telegram.unlink": "Отвязать Telegram",
  "settings.telegram.link.title": "Подключение Telegram",
  "settings.telegram.link.text":
    "Откройте бота кнопкой ниже и нажмите в нём «Старт». Ссылка действует 10\u00a0минут и работает один раз.",
  "settings.telegram.link.open": "Открыть бота в Telegram",
  "settings.telegram.link.manual":
    "Если Telegram не открылся, отправьте боту (@{bot}) это сообщение:",
  "settings.telegram.link.back": "Вернуться в настройки",
  "settings.telegram.link.already": "Telegram уже подключён.",
  "settings.done.telegramUnlinked": "Telegram отвязан.",
};
