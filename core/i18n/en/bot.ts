/** The Telegram bot's replies and command descriptions, and the settings section that links it. */
import type { bot as ru } from "../ru/bot.ts";
import type { Message } from "../format.ts";

export const bot: { [K in keyof typeof ru]: Message } = {
  "bot.cmd.start": "Start and link this chat to your account",
  "bot.cmd.progress": "My courses and progress",
  "bot.cmd.next": "The next step for today",
  "bot.cmd.reminders": "Training reminders",
  "bot.cmd.reset": "A link to set a new password",
  "bot.cmd.language": "The bot's language",
  "bot.cmd.help": "What the bot can do",
  "bot.cmd.stop": "Unlink this chat from your account",

  "bot.start.welcome":
    "Hello! This is the Gafus bot — dog training courses. To see your progress and next step here and get reminders, link this chat to your account: on the website open Settings → Telegram and press “Connect Telegram”.",
  "bot.start.welcomeLinked":
    "Hello, {username}! This chat is linked to your account. Commands: /help.",
  "bot.start.linked":
    "Done! This chat is linked to the account {username}. Notifications and reminders will come here. Commands: /help.",
  "bot.start.already": "This chat is already linked to the account {username}.",
  "bot.start.expired":
    "This link has expired: it works for 10\u00a0minutes. Get a new one on the website under Settings → Telegram and open it again.",
  "bot.start.used":
    "This link was already used. Get a new one on the website under Settings → Telegram.",
  "bot.start.unknown":
    "This link did not work. Get a new one on the website under Settings → Telegram and open it again.",
  "bot.start.chatTaken":
    "This chat is already linked to another account. Unlink it with /stop first, then open the link again.",
  "bot.button.settings": "Open settings",
  "bot.button.catalogue": "Course catalogue",

  "bot.stop.done":
    "This chat is unlinked from your account: no more notifications here. You can link it again in the website's settings.",
  "bot.stop.notLinked": "This chat is not linked to any account.",
  "bot.needLink":
    "This command works once the chat is linked to your account. On the website open Settings → Telegram.",

  "bot.progress.title": "Your courses:",
  "bot.progress.line": "• {name} — {percent}",
  "bot.progress.percent": "{count}\u00a0%",
  "bot.progress.none": "No courses under way yet. Pick one in the catalogue.",
  "bot.progress.button": "{name}: continue",

  "bot.next.text": "Next step: “{step}”\nCourse “{course}”, {day}.",
  "bot.next.none":
    "Nothing to continue yet: no courses under way, or everything is done. Have a look at the catalogue.",
  "bot.next.button": "Open the step",

  "bot.reset.text":
    "A link to set a new password. It works for 1\u00a0hour and only once. If you did not ask to change your password, just do not open it.",
  "bot.reset.button": "Set a new password",

  "bot.language.choose": "Choose a language:",
  "bot.language.done": "Done: the bot speaks English.",

  "bot.help":
    "What the bot can do:\n/progress — my courses and progress\n/next — the next step for today\n/reminders — training reminders\n/reset — a link to set a new password\n/language — language\n/stop — unlink this chat\n/help — this help",
  "bot.unknown": "I do not understand this message. Commands: /help.",
  "bot.error": "Something went wrong. Please try again a little later.",

  "telegram.link.off": "The Telegram bot is not set up on this site.",
  "telegram.link.unavailable":
    "Telegram is not answering right now. Please try connecting a little later.",
  "settings.telegram.title": "Telegram",
  "settings.telegram.off": "The Telegram bot is not set up on this site.",
  "settings.telegram.intro":
    "Link Telegram to see your progress and next step in the bot and to get notifications and reminders there.",
  "settings.telegram.connect": "Connect Telegram",
  "settings.telegram.linked": "Telegram is connected: the bot knows your account.",
  "settings.telegram.unlink": "Unlink Telegram",
  "settings.telegram.link.title": "Connecting Telegram",
  "settings.telegram.link.text":
    "Open the bot with the button below and press “Start” in it. The link works for 10\u00a0minutes and only once.",
  "settings.telegram.link.open": "Open the bot in Telegram",
  "settings.telegram.link.manual": "If Telegram did not open, send the bot (@{bot}) this message:",
  "settings.telegram.link.back": "Back to settings",
  "settings.telegram.link.already": "Telegram is already connected.",
  "settings.done.telegramUnlinked": "Telegram is unlinked.",
};
