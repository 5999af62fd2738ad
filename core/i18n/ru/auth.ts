/** Accounts: registration, sign-in, password reset, settings, forms, studio/ops placeholders. */
export const auth = {
  // Shared form pieces (components/forms.tsx)
  "form.errors.title": "Исправьте, пожалуйста:",
  "form.optional": "необязательно",

  // Validation messages of this area
  "auth.consent.required": "Без этого согласия зарегистрироваться нельзя",
  "auth.password.mismatch": "Пароли не совпадают",
  "auth.password.wrong": "Неверный текущий пароль",
  "auth.login.invalid": "Неверное имя пользователя, email или пароль",
  "auth.login.disabled": "Учётная запись отключена. Обратитесь к администратору.",
  "auth.username.taken": "Это имя уже занято",
  "auth.rateLimited": "Слишком много попыток. Попробуйте снова через {wait}.",

  // Fields
  "auth.field.username": "Имя пользователя",
  "auth.field.username.hint":
    "От 3 до 32\u00a0символов: латинские буквы, цифры и _. Это адрес вашего профиля.",
  "auth.field.email": "Email",
  "auth.field.email.hint": "По нему тоже можно входить.",
  "auth.field.password": "Пароль",
  "auth.field.password.hint":
    "От 8\u00a0символов, хотя бы одна заглавная и одна строчная буква и цифра.",
  "auth.field.passwordRepeat": "Пароль ещё раз",
  "auth.field.login": "Имя пользователя или email",
  "auth.field.currentPassword": "Текущий пароль",
  "auth.field.newPassword": "Новый пароль",

  // Consents
  "auth.consent.legend": "Согласия",
  "auth.consent.personalData": "Согласен(на) на обработку моих персональных данных",
  "auth.consent.personalData.hint":
    "Имя пользователя, email, данные питомцев и прогресс хранятся, чтобы сервис работал.",
  "auth.consent.privacyPolicy": "Принимаю политику конфиденциальности",
  "auth.consent.privacyPolicy.hint":
    "Мы не передаём ваши данные третьим лицам и не показываем рекламу.",
  "auth.consent.publicProfile": "Показывать мой профиль другим пользователям",
  "auth.consent.publicProfile.hint":
    "Имя пользователя, питомцы и достижения будут видны по адресу профиля.",

  // Registration
  "auth.register.title": "Регистрация",
  "auth.register.lead": "Учётная запись сохраняет ваш прогресс в курсах на всех устройствах.",
  "auth.register.submit": "Зарегистрироваться",
  "auth.register.haveAccount": "Уже есть учётная запись?",

  // Sign-in
  "auth.login.title": "Вход",
  "auth.login.submit": "Войти",
  "auth.login.forgot": "Забыли пароль?",
  "auth.login.noAccount": "Ещё нет учётной записи?",
  "auth.login.deleted": "Учётная запись удалена. Спасибо, что были с нами.",

  // Password reset
  "auth.reset.title": "Восстановление пароля",
  "auth.reset.lead":
    "Укажите имя пользователя или email. Ссылку для нового пароля мы отправим на email учётной записи или, если хотите, в подключённый Telegram.",
  "auth.reset.submit": "Получить ссылку",
  "auth.reset.sent":
    "Если такая учётная запись есть, ссылка уже отправлена: на её email или в Telegram. Она действует 1\u00a0час. Если ничего не пришло, проверьте папку «Спам», попробуйте другой способ или обратитесь к администратору.",
  "auth.reset.new.title": "Новый пароль",
  "auth.reset.new.lead": "Придумайте новый пароль. После сохранения все прежние входы закроются.",
  "auth.reset.new.submit": "Сохранить пароль",
  "auth.reset.broken.title": "Ссылка не работает",
  "auth.reset.state.unknown":
    "Такой ссылки нет. Проверьте, что скопировали её целиком, или запросите новую.",
  "auth.reset.state.expired":
    "Срок действия ссылки истёк: она действует 1\u00a0час. Запросите новую.",
  "auth.reset.state.used":
    "По этой ссылке пароль уже сменили. Если нужно сменить его ещё раз, запросите новую.",
  "auth.reset.again": "Запросить новую ссылку",

  // Settings
  "settings.title": "Настройки",
  "settings.done.password": "Пароль изменён. На других устройствах нужно войти заново.",
  "settings.done.reset": "Новый пароль сохранён, вы вошли.",
  "settings.done.email": "Email сохранён.",
  "settings.done.username": "Имя пользователя изменено.",
  "settings.done.locale": "Язык сохранён.",
  "settings.done.timeZone": "Часовой пояс сохранён.",
  "settings.done.logoutAll": "Вы вышли на всех других устройствах.",
  "settings.password.title": "Пароль",
  "settings.password.submit": "Сменить пароль",
  "settings.email.title": "Email",
  "settings.email.hint": "Оставьте пустым, чтобы удалить адрес.",
  "settings.email.none": "Не указан",
  "settings.email.submit": "Сменить email",
  "settings.username.title": "Имя пользователя",
  "settings.username.submit": "Сменить имя",
  "settings.username.checking": "Проверяем…",
  "settings.username.available": "Имя свободно",
  "settings.username.current": "Это ваше текущее имя",
  "settings.username.checkFailed": "Не получилось проверить имя, но сохранить можно",
  "settings.locale.title": "Язык",
  "settings.locale.label": "Язык интерфейса и уведомлений",
  "settings.locale.submit": "Сохранить язык",
  "settings.timeZone.title": "Часовой пояс",
  "settings.timeZone.label": "Ваш часовой пояс",
  "settings.timeZone.hint": "По нему считаются дни серий, статистика и время напоминаний.",
  "settings.timeZone.detected":
    "Подставлен часовой пояс вашего браузера — сохраните, если он верный.",
  "settings.timeZone.submit": "Сохранить часовой пояс",
  "settings.timeZone.invalid": "Выберите часовой пояс из списка",
  "settings.sessions.title": "Входы на других устройствах",
  "settings.sessions.text":
    "Если вы входили с чужого устройства или потеряли телефон, выйдите везде. Этот браузер останется в системе.",
  "settings.sessions.submit": "Выйти на всех устройствах",
  "settings.delete.title": "Удаление учётной записи",
  "settings.delete.text":
    "Учётная запись, питомцы, прогресс, экзамены и загруженные файлы будут удалены навсегда. Отменить это нельзя.",
  "settings.delete.submit": "Удалить учётную запись навсегда",
  "settings.delete.hasContent":
    "Учётная запись ещё владеет курсами или видео. Попросите администратора передать их, затем удалите её.",
  "settings.delete.staff":
    "Учётные записи тренеров и сотрудников удаляет администратор: сначала нужно передать их курсы.",

  // Placeholders the studio and ops work replaces
  "studio.title": "Студия тренера",
  "studio.lead": "Здесь вы создаёте курсы, дни и шаги и проверяете экзамены учеников.",
  "ops.title": "Управление",
};
