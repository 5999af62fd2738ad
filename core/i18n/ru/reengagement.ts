/**
 * Re-engagement campaigns: the message variants (core/reengagement/library.ts;
 * placeholders {pet}, {course}, {percent}, {steps}), the unsubscribe page and
 * the campaign figures on /ops. A placeholder followed by a word is joined to
 * it by a no-break space (the typography test reads `{x} word` as a number
 * and its unit).
 */
export const reengagement = {
  // Level 1 — emotional (day 5).
  "reengagement.v01.title": "🐕 Мы скучаем по вам!",
  "reengagement.v01.body":
    "{pet}\u00a0ждёт новой тренировки. Всего несколько минут сегодня — и вы снова в ритме.",
  "reengagement.v02.title": "👋 Давно не виделись!",
  "reengagement.v02.body":
    "Несколько дней без тренировок — не беда. Откройте курс и сделайте один короткий шаг: навыки держатся на регулярности.",
  "reengagement.v03.title": "📚 Курс «{course}» ждёт вас",
  "reengagement.v03.body":
    "Вы прошли уже {percent}\u00a0% — самое время продолжить с того места, где остановились.",
  "reengagement.v04.title": "⏰ 5\u00a0минут в день",
  "reengagement.v04.body":
    "Короткая тренировка каждый день даёт больше, чем одна длинная раз в неделю. Начните с пяти минут сегодня.",

  // Level 2 — educational (day 12).
  "reengagement.v05.title": "📖 Короткий урок на сегодня",
  "reengagement.v05.body":
    "Откройте следующий шаг и прочитайте, что в нём нужно сделать: понимание задачи — половина успешной тренировки.",
  "reengagement.v06.title": "💡 Совет: {pet}\u00a0учится в игре",
  "reengagement.v06.body":
    "Собаки лучше запоминают команды короткими подходами с похвалой. Три повтора и лакомство — и {pet}\u00a0вспомнит всё, что вы уже прошли.",
  "reengagement.v07.title": "📈 Пройдено {percent}\u00a0% курса «{course}»",
  "reengagement.v07.body":
    "Следующий шаг займёт всего несколько минут. Регулярность важнее продолжительности — продолжим?",
  "reengagement.v08.title": "🧠 Навыки любят повторение",
  "reengagement.v08.body":
    "Выполнено шагов: {steps}. Это хорошая база, но без повторения навык слабеет за пару недель — одна короткая тренировка его освежит.",
  "reengagement.v17.title": "🐶 Собаке нужна привычка",
  "reengagement.v17.body":
    "Собаки любят распорядок. Тренировка в одно и то же время каждый день помогает питомцу учиться быстрее.",

  // Level 3 — motivational, social proof (day 20).
  "reengagement.v09.title": "🏆 Присоединяйтесь к активным!",
  "reengagement.v09.body":
    "Каждый день владельцы собак на Гафусе занимаются по несколько минут — и видят результат. Возвращайтесь: ваш прогресс сохранён.",
  "reengagement.v10.title": "🐾 {pet}\u00a0ждёт похвалы",
  "reengagement.v10.body":
    "Собаки обожают заниматься с хозяином: для них это игра и внимание. Подарите питомцу десять минут сегодня.",
  "reengagement.v11.title": "🎯 До конца курса «{course}» ближе, чем кажется",
  "reengagement.v11.body":
    "Пройдено {percent}\u00a0%. Ещё немного — и навык закрепится. Продолжите с того места, где остановились.",
  "reengagement.v12.title": "💪 Вы уже многое умеете",
  "reengagement.v12.body":
    "Выполнено шагов: {steps}. Это серьёзный результат — не дайте ему пропасть, вернитесь к тренировкам хотя бы на пять минут.",
  "reengagement.v18.title": "🤝 Перерывы бывают у всех",
  "reengagement.v18.body":
    "Главное — вернуться. Даже одна короткая тренировка на этой неделе сохранит то, чего вы уже добились.",

  // Level 4 — the last reminder (day 30).
  "reengagement.v13.title": "🎊 Последнее напоминание",
  "reengagement.v13.body":
    "Больше мы не будем беспокоить вас такими сообщениями. Захотите вернуться — все курсы и ваш прогресс на месте.",
  "reengagement.v14.title": "🎊 Последнее напоминание: {pet}\u00a0ждёт вас",
  "reengagement.v14.body":
    "Это наше последнее сообщение о перерыве. Когда будете готовы, начните с короткого шага — {pet}\u00a0оценит.",
  "reengagement.v15.title": "🎊 Курс «{course}» остаётся за вами",
  "reengagement.v15.body":
    "Это последнее напоминание. Пройдено {percent}\u00a0%, прогресс сохранён — продолжить можно в любой день.",
  "reengagement.v16.title": "🌱 Начать заново никогда не поздно",
  "reengagement.v16.body":
    "Даже после долгого перерыва навыки возвращаются быстро. Это наше последнее напоминание — ждём вас на тренировке.",

  // The unsubscribe page (/unsubscribe/<token>).
  "reengagement.unsubscribe.title": "Отписка от напоминаний",
  "reengagement.unsubscribe.lead":
    "Мы иногда напоминаем о тренировках тем, кто давно не заходил. Отписаться от этих сообщений?",
  "reengagement.unsubscribe.note":
    "Уведомления о ваших тренировках, экзаменах и курсах останутся. Их можно настроить в разделе «Настройки».",
  "reengagement.unsubscribe.submit": "Отписаться",
  "reengagement.unsubscribe.done.title": "Вы отписались",
  "reengagement.unsubscribe.done.body":
    "Больше вы не будете получать напоминания о перерыве в тренировках и новости.",
  "reengagement.unsubscribe.settings": "Настройки уведомлений",

  // /ops/campaigns.
  "ops.nav.campaigns": "Кампании",
  "ops.campaigns.title": "Кампании возврата",
  "ops.campaigns.lead":
    "Сообщения тем, кто перестал заниматься: отправлено, открыто и вернулось за 7\u00a0дней после сообщения.",
  "ops.campaigns.period": "Сообщения за последние 30\u00a0дней.",
  "ops.campaigns.caption": "Сообщения по уровням кампании",
  "ops.campaigns.level": "Уровень",
  "ops.campaigns.levelN": "{level}-й (день {day})",
  "ops.campaigns.sent": "Отправлено",
  "ops.campaigns.clicked": "Открыто",
  "ops.campaigns.clickRate": "Доля открытий",
  "ops.campaigns.returned": "Вернулись за 7\u00a0дней",
  "ops.campaigns.returnRate": "Доля вернувшихся",
  "ops.campaigns.total": "Всего",
  "ops.campaigns.active": "Идут сейчас",
  "ops.campaigns.activeCount": {
    one: "{count}\u00a0кампания",
    few: "{count}\u00a0кампании",
    many: "{count}\u00a0кампаний",
    other: "{count}\u00a0кампании",
  },
  "ops.campaigns.activeCaption": "Идущие кампании по следующему уровню",
  "ops.campaigns.nextLevel": "Следующий уровень",
  "ops.campaigns.count": "Кампаний",
  "ops.campaigns.ended": "Завершились за 30\u00a0дней",
  "ops.campaigns.endedCaption": "Завершённые кампании по причине",
  "ops.campaigns.reason": "Причина",
  "ops.campaigns.reason.returned": "вернулся к занятиям",
  "ops.campaigns.reason.finished": "все сообщения отправлены",
  "ops.campaigns.reason.unsubscribed": "отписался по ссылке",
  "ops.campaigns.reason.opted_out": "отключил новости в настройках",
  "ops.campaigns.reason.disabled": "учётная запись отключена",
  "ops.campaigns.none": "Нет.",
  "ops.campaigns.run": "Запустить рассылку сейчас",
  "ops.campaigns.runDone":
    "Запуск поставлен в очередь: цифры обновятся, когда он закончится. Уже отправленные сообщения не повторятся.",
  "ops.campaigns.off": "Кампании выключены (REENGAGEMENT_ENABLED=false).",
};
