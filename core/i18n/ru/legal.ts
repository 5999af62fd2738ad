/** Legal pages: privacy policy, terms, consent; their links and their editor in ops. */
export const legal = {
  "legal.privacy.title": "Политика конфиденциальности",
  "legal.terms.title": "Условия использования",
  "legal.consent.title": "Согласие на обработку персональных данных",
  "legal.updated": "Редакция от {date}",
  "legal.footer.label": "Документы",
  "legal.consent.read.personalData": "Текст согласия",
  "legal.consent.read.privacyPolicy": "Политика конфиденциальности",
  "ops.nav.legal": "Документы",
  "ops.legal.title": "Юридические страницы",
  "ops.legal.lead":
    "Тексты в Markdown на каждом языке. Пока страницу не сохранили, показывается текст по умолчанию.",
  "ops.legal.default": "текст по умолчанию",
  "ops.legal.updatedAt": "изменено {date}",
  "ops.legal.edit": "Изменить",
  "ops.legal.open": "Открыть страницу",
  "ops.legal.markdown": "Текст (Markdown)",
  "ops.legal.markdown.hint":
    "Заголовки #, списки, ссылки. HTML не выполняется; ссылки — только http(s), mailto и на этот сайт.",
  "ops.legal.preview": "Предпросмотр",
  "ops.legal.previewTitle": "Так страница будет выглядеть",
  "ops.legal.save": "Сохранить",
  "ops.legal.saved": "Страница сохранена.",
  "ops.legal.readOnly": "Изменять тексты может только администратор.",
};
