/** Learner actions offline: the sync indicator, queued states and the idempotency errors. */
export const offline = {
  "offline.error.key":
    "Ключ идемпотентности: от 8 до 100\u00a0латинских букв, цифр или знаков - _ . :",
  "offline.error.keyReused": "Этот ключ уже использован для другого действия.",
  "offline.error.inProgress": "Это действие ещё выполняется. Повторите через секунду.",
  "offline.status.waiting": "Ждёт синхронизации",
  "offline.sync.label": "Синхронизация действий",
  "offline.sync.waiting": "Ждут синхронизации: {count}",
  "offline.sync.offline":
    "Нет сети: действия сохранены на устройстве и отправятся, когда связь вернётся.",
  "offline.sync.done": "Все действия синхронизированы.",
  "offline.sync.dropped": "Действие, сделанное без сети, не принято: {message}",
  "offline.sync.now": "Отправить сейчас",
  "offline.sync.dismiss": "Скрыть",
  "offline.diary.queued": "Запись сохранена на устройстве и отправится, когда появится сеть.",
  "offline.exam.queued": "Ответы сохранены на устройстве и уйдут тренеру, когда появится сеть.",
  "offline.exam.video": "Видео можно отправить только при подключении к сети.",
};
