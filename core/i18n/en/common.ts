import type { common as ru } from "../ru/common.ts";
import type { Message } from "../mod.ts";

export const common: { [K in keyof typeof ru]: Message } = {
  "app.name": "Gafus",
  "app.tagline": "Learning together — you and your dog",
  "nav.main": "Main navigation",
  "nav.home": "Home",
  "nav.courses": "Courses",
  "nav.skip": "Skip to content",
  "locale.switch": "Language",
  "locale.ru": "Русский",
  "locale.en": "English",
  "footer.about": "Gafus — dog training courses by professional trainers, step by step.",
  "error.404.title": "Page not found",
  "error.404.text": "There is no such page. The link may be outdated or the address mistyped.",
  "error.500.title": "Something went wrong",
  "error.500.text":
    "We have been notified and are looking into it. Please try again a little later.",
  "error.requestId": "Request ID: {id}",
  "error.home": "Go to the home page",
  "minutes": { one: "{count} minute", other: "{count} minutes" },
  "minutes.short": "{count} min",
  "steps": { one: "{count} step", other: "{count} steps" },
  "days": { one: "{count} day", other: "{count} days" },
  "courses.count": { one: "{count} course", other: "{count} courses" },
  "landing.title": "Training that becomes a habit",
  "landing.lead":
    "Step-by-step courses by dog trainers: a timer for every exercise, theory, a success diary and exams with feedback from the trainer.",
  "landing.cta": "Browse courses",
  "landing.feature.steps.title": "Step by step",
  "landing.feature.steps.text":
    "Each day of a course is a set of short exercises with a timer. Progress is saved across your devices.",
  "landing.feature.trainer.title": "Your trainer is near",
  "landing.feature.trainer.text":
    "Exams with video and written answers are reviewed by a trainer who leaves a comment.",
  "landing.feature.habit.title": "A habit, not a sprint",
  "landing.feature.habit.text":
    "Reminders in the browser and Telegram, day streaks and achievements help you keep going.",
  "landing.popular": "Popular courses",
};
