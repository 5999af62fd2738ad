/** Email: the messages themselves (reset, address confirmation), the reset form's channel choice, the email part of settings, the confirmation page. */
export const email = {
  // Mail layout
  "email.greeting": "Здравствуйте, {username}!",
  "email.footer.account":
    "Это служебное письмо о вашей учётной записи в Гафус. Отвечать на него не нужно.",

  // Password reset by email and Telegram
  "email.reset.subject": "Ссылка для нового пароля",
  "email.reset.text":
    "Кто-то (надеемся, вы) попросил сменить пароль учётной записи {username}. Ссылка действует 1\u00a0час и срабатывает один раз.",
  "email.reset.ignore": "Если вы не просили, ничего не делайте: пароль останется прежним.",
  "email.reset.action": "Задать новый пароль",
  "email.reset.telegram":
    "Ссылка для нового пароля учётной записи {username}. Она действует 1\u00a0час и срабатывает один раз. Если вы не просили, ничего не делайте.",
  "auth.reset.channel.legend": "Куда отправить ссылку",
  "auth.reset.channel.email": "На email учётной записи",
  "auth.reset.channel.telegram": "В Telegram, если он подключён к учётной записи",

  // Confirming a new address
  "email.change.confirm.subject": "Подтвердите новый адрес",
  "email.change.confirm.text":
    "Чтобы этот адрес стал адресом учётной записи {username}, откройте ссылку и нажмите «Подтвердить». Ссылка действует 24\u00a0часа.",
  "email.change.confirm.ignore": "Если вы ничего не меняли, просто удалите это письмо.",
  "email.change.confirm.action": "Подтвердить адрес",
  "email.change.notice.subject": "Запрошена смена адреса",
  "email.change.notice.text":
    "Для учётной записи «{username}» попросили сменить адрес на {email}. Адрес сменится, только когда его подтвердят по ссылке из письма на новый адрес.",
  "email.change.notice.notYou":
    "Если это были не вы, отмените смену и смените пароль в настройках.",
  "email.change.notice.action": "Открыть настройки",

  // Settings: the email section
  "settings.email.current": "Сейчас: {email}",
  "settings.email.changeHint":
    "На новый адрес придёт ссылка: он заменит прежний, когда вы её откроете. Оставьте поле пустым, чтобы удалить адрес.",
  "settings.email.pending":
    "Ждём подтверждения адреса {email}. Ссылка в письме действует до {until}.",
  "settings.email.resend": "Отправить письмо ещё раз",
  "settings.email.cancel": "Отменить смену адреса",
  "settings.email.noPending": "Смена адреса не ожидает подтверждения.",
  "settings.done.emailSent":
    "Мы отправили ссылку на новый адрес. Он заменит прежний, когда вы её откроете.",
  "settings.done.emailRemoved": "Адрес удалён.",
  "settings.done.emailResent": "Письмо со ссылкой отправлено ещё раз.",
  "settings.done.emailCancelled": "Смена адреса отменена.",
  "settings.done.emailUnchanged": "Это и так ваш адрес.",

  // The confirmation page
  "emailChange.title": "Подтверждение адреса",
  "emailChange.lead": "Подтвердите, что {email} — новый адрес учётной записи {username}.",
  "emailChange.submit": "Подтвердить адрес",
  "emailChange.done.title": "Адрес подтверждён",
  "emailChange.done.text": "Теперь письма приходят на новый адрес, и по нему можно входить.",
  "emailChange.broken.title": "Ссылка не работает",
  "emailChange.state.unknown":
    "Такой ссылки нет. Проверьте, что скопировали её целиком, или отправьте письмо ещё раз из настроек.",
  "emailChange.state.expired":
    "Срок действия ссылки истёк: она действует 24\u00a0часа. Отправьте письмо ещё раз из настроек.",
  "emailChange.state.used": "Эта ссылка уже использована или смену адреса отменили.",
  "emailChange.state.taken":
    "Этот адрес тем временем занят другой учётной записью. Укажите в настройках другой.",
  "emailChange.state.otherUser":
    "Эта ссылка для другой учётной записи. Выйдите и откройте её снова.",
  "emailChange.toSettings": "Открыть настройки",
};
