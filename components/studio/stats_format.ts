/** How the studio's statistics pages show rates, durations and instants. */
import type { Translator } from "@/core/i18n/mod.ts";

/** A 0..1 rate as a percentage ("40 %"), or a dash when there is nothing to compare with. */
export function percent(t: Translator, v: number | null): string {
  return v === null
    ? t("studio.stats.none")
    : t.number(v, { style: "percent", maximumFractionDigits: 1 });
}

/** Seconds as days and hours, hours and minutes, or minutes. */
export function duration(t: Translator, sec: number | null): string {
  if (sec === null) return t("studio.stats.none");
  const m = Math.round(sec / 60);
  if (m < 1) return t("studio.stats.duration.lessThanMinute");
  if (m < 60) return t("studio.stats.duration.minutes", { m });
  const h = Math.floor(m / 60);
  if (h < 24) return t("studio.stats.duration.hours", { h, m: m % 60 });
  return t("studio.stats.duration.days", { d: Math.floor(h / 24), h: h % 24 });
}

/** An instant in the given zone, date and time. */
export function when(t: Translator, d: Date | null, timeZone: string): string {
  if (!d) return t("studio.stats.none");
  return t.date(d, {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
  });
}

/** Short weekday names, Monday first, in the user's language. */
export function weekdayNames(t: Translator): string[] {
  // 1 January 2024 was a Monday.
  return Array.from(
    { length: 7 },
    (_, i) => t.date(new Date(Date.UTC(2024, 0, 1 + i, 12)), { weekday: "short", timeZone: "UTC" }),
  );
}
