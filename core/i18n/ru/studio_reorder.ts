/** Studio: drag-and-drop ordering of days and steps, the live Markdown preview, the studio API. */
export const studioReorder = {
  "studio.reorder.handle": "Переместить «{title}»",
  "studio.reorder.help":
    "Клавиатура: пробел или Enter — взять, стрелки вверх и вниз — перемещать, пробел или Enter — положить, Escape — отменить. Мышью или пальцем: перетащите за ручку.",
  "studio.reorder.grabbed":
    "«{title}» взят, позиция {pos} из\u00a0{total}. Стрелки перемещают, пробел или Enter — положить, Escape — отменить.",
  "studio.reorder.position": "«{title}»: позиция {pos} из\u00a0{total}.",
  "studio.reorder.moved.step": "Шаг «{title}» перемещён на позицию {pos} из\u00a0{total}.",
  "studio.reorder.moved.day": "День «{title}» перемещён на позицию {pos} из\u00a0{total}.",
  "studio.reorder.cancelled": "Перемещение отменено: «{title}» на позиции {pos} из\u00a0{total}.",
  "studio.reorder.failed": "Порядок не сохранён: {message}",
  "studio.reorder.network": "Нет связи с сервером. Попробуйте ещё раз.",
  "studio.reorder.validation.order":
    "Порядок — список идентификаторов элементов списка, каждый по одному разу.",
  "studio.preview.live": "Предпросмотр обновляется, пока вы пишете.",
  "studio.preview.failed": "Предпросмотр не обновился: {message}",
};
