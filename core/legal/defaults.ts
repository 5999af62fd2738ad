/**
 * The texts legal pages show until an admin saves their own (core/legal/mod.ts).
 * Plain, complete and honest about what the product does, so a fresh
 * install never links its consent boxes to an empty page; the operator is
 * expected to adapt them (name, address, contact) in the ops console.
 */
import type { Locale } from "../i18n/mod.ts";

export const DEFAULT_LEGAL_TEXTS = {
  privacy: {
    ru: `# Политика конфиденциальности

Эта политика объясняет, какие данные о вас хранит Гафус, зачем и как вы можете ими управлять.

## Какие данные мы храним

- **Учётная запись:** имя пользователя, email (если указан), хэш пароля, язык и часовой пояс.
- **Профиль:** то, что вы заполнили сами, — имя, фото, «о себе», ссылки, питомцы.
- **Обучение:** прогресс по курсам и шагам, записи дневника, ответы на экзамены (включая видео), отзывы.
- **Уведомления:** подписки на push-уведомления и привязка Telegram, если вы их включили.
- **Технические данные:** IP-адрес и браузер при регистрации (вместе с записью о согласиях) и в журналах ошибок.

## Зачем

Чтобы вести ваш прогресс, показывать курсы, присылать напоминания, которые вы включили,
и защищать сервис от злоупотреблений. Мы не продаём данные, не показываем рекламу и
не передаём данные третьим лицам, кроме хранилищ, на которых работает сервис.

## Кто видит ваши данные

Ваш профиль виден другим только если вы открыли его. Ответы на экзамены видят кинологи курса.
Администраторы видят данные, когда это нужно для поддержки и модерации.

## Ваши права

В настройках вы можете изменить данные, выгрузить их и удалить учётную запись — вместе
с ней удаляются профиль, питомцы, прогресс и загруженные файлы.

## Контакты

По вопросам о данных напишите администратору сервиса.
`,
    en: `# Privacy policy

This policy explains what data Gafus keeps about you, why, and how you control it.

## What we keep

- **Account:** username, email (if given), a password hash, language and time zone.
- **Profile:** what you filled in yourself — name, photo, about, links, pets.
- **Training:** progress in courses and steps, diary entries, exam answers (videos included), reviews.
- **Notifications:** push subscriptions and a linked Telegram chat, if you turned them on.
- **Technical data:** IP address and browser at registration (with the record of your consents) and in error logs.

## Why

To keep your progress, show courses, send the reminders you turned on, and protect the service
from abuse. We do not sell data, show ads, or share data with third parties other than the
storage the service runs on.

## Who sees your data

Others see your profile only if you made it public. The trainers of a course see your exam
answers. Administrators see data when support or moderation needs it.

## Your rights

In settings you can change your data, export it and delete your account — your profile, pets,
progress and uploaded files go with it.

## Contact

For questions about your data, write to the service's administrator.
`,
  },
  terms: {
    ru: `# Условия использования

Пользуясь Гафусом, вы соглашаетесь с этими условиями.

1. **Учётная запись.** Храните пароль в тайне; за действия в вашей учётной записи отвечаете вы.
2. **Курсы.** Материалы курсов принадлежат их авторам. Не копируйте и не распространяйте их без разрешения.
3. **Безопасность животных.** Курсы — рекомендации, а не замена очной консультации кинолога
   или ветеринара. Следите за состоянием питомца и прекращайте занятие, если ему плохо.
4. **Ваш контент.** Отзывы, записи дневника и видео не должны нарушать закон и права других людей.
   Модераторы могут скрыть или удалить то, что нарушает эти условия.
5. **Доступность.** Мы стараемся, чтобы сервис работал без перерывов, но не гарантируем этого.
6. **Изменения.** Мы можем изменить эти условия; новая редакция публикуется на этой странице.
`,
    en: `# Terms of use

By using Gafus you agree to these terms.

1. **Account.** Keep your password secret; you are responsible for what happens in your account.
2. **Courses.** Course materials belong to their authors. Do not copy or distribute them without permission.
3. **Animal safety.** Courses are guidance, not a replacement for an in-person trainer or vet.
   Watch your pet and stop a session if it is unwell.
4. **Your content.** Reviews, diary entries and videos must not break the law or others' rights.
   Moderators may hide or remove what breaks these terms.
5. **Availability.** We try to keep the service running without interruptions but cannot promise it.
6. **Changes.** We may change these terms; the new version is published on this page.
`,
  },
  consent: {
    ru: `# Согласие на обработку персональных данных

Регистрируясь, я даю согласие оператору сервиса Гафус на обработку моих персональных данных:
имени пользователя, email, данных профиля, сведений о питомцах, прогресса обучения, ответов
на экзамены (включая видео), IP-адреса и данных браузера.

**Цели:** ведение учётной записи, предоставление курсов и отслеживание прогресса, отправка
уведомлений, которые я включу, защита сервиса от злоупотреблений.

**Действия с данными:** сбор, запись, хранение, уточнение, использование, удаление.

**Срок:** до удаления учётной записи или отзыва согласия. Отозвать согласие можно, удалив
учётную запись в настройках или написав администратору сервиса.

Подробнее — в [политике конфиденциальности](/legal/privacy).
`,
    en: `# Consent to personal data processing

By registering, I consent to the operator of the Gafus service processing my personal data:
username, email, profile data, information about my pets, training progress, exam answers
(videos included), IP address and browser data.

**Purposes:** keeping the account, providing courses and tracking progress, sending the
notifications I turn on, protecting the service from abuse.

**Operations:** collection, recording, storage, correction, use, deletion.

**Term:** until the account is deleted or the consent is withdrawn. I can withdraw it by
deleting the account in settings or by writing to the service's administrator.

More in the [privacy policy](/legal/privacy).
`,
  },
} as const satisfies Record<string, Record<Locale, string>>;
