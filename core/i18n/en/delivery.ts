import type { delivery as ru } from "../ru/delivery.ts";
import type { Message } from "../format.ts";

export const delivery: { [K in keyof typeof ru]: Message } = {
  "notifications.noteShared.title": "A note from your trainer",
  "notifications.noteShared.body": "A new note “{note}” from your trainer: {trainer}.",

  "delivery.unsubscribeLine": "Stop messages like this: {url}",
  "delivery.email.why": "You get this email because you chose “{category}” notifications by email.",
  "delivery.email.change": "Choose which notifications reach you, and where: {url}",
  "delivery.email.unsubscribe": "Unsubscribe in one click: {url}",

  "delivery.category.training": "Training",
  "delivery.category.reminders": "Reminders",
  "delivery.category.exams": "Exams",
  "delivery.category.courses": "Courses and trainer's notes",
  "delivery.category.news": "News and come-back messages",
  "delivery.categoryHint.training": "A step's timer has finished",
  "delivery.categoryHint.reminders": "The training reminders you set",
  "delivery.categoryHint.exams": "An exam was reviewed or waits for review",
  "delivery.categoryHint.courses": "Access to a course, a note shared by your trainer",
  "delivery.categoryHint.news": "Messages when you have not trained for a while",
  "delivery.channel.push": "Push",
  "delivery.channel.telegram": "Telegram",
  "delivery.channel.email": "Email",

  "delivery.settings.title": "Notifications",
  "delivery.settings.intro":
    "Choose what we tell you about, and where. The notification list on the site always shows everything.",
  "delivery.settings.category": "About",
  "delivery.settings.cell": "{category} — {channel}",
  "delivery.settings.telegramOff":
    "Telegram is not connected: connect the bot in settings and messages will arrive there.",
  "delivery.settings.pushOff":
    "Push reaches the browsers where you turned notifications on (see “Push notifications”).",
  "delivery.settings.emailOff": "No email address on the account: there is nowhere to send mail.",
  "delivery.settings.submit": "Save",
  "settings.done.notifications": "Notification choices saved.",

  "delivery.alert.more": "More like this in the last 10\u00a0minutes: {count}.",
  "delivery.alert.open": "Open the dashboard",
  "delivery.alert.jobDead": "A job failed after all its attempts: {job}",
  "delivery.alert.readyFailing": "Service not ready: /ready is failing",
  "delivery.alert.readyRecovered": "Service ready again: /ready passes",
};
