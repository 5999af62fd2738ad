/** Reminders in words, for the settings page and the bot (the same wording in both). */
import type { Translator } from "../i18n/mod.ts";
import { ALL_DAYS, daysOf } from "./time.ts";

const WORKDAYS = 0b0011111;
const WEEKENDS = 0b1100000;

/** "every day", "on weekdays", "at weekends", or "Mon, Wed, Fri". */
export function describeDays(t: Translator, mask: number): string {
  if (mask === ALL_DAYS) return t("reminders.everyDay");
  if (mask === WORKDAYS) return t("reminders.workdays");
  if (mask === WEEKENDS) return t("reminders.weekends");
  return daysOf(mask).map((d) => t(`reminders.day.${d}`)).join(", ");
}
