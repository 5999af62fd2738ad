/**
 * Timer display, shared by the server render and the timer island (pure,
 * browser-safe: no imports).
 */

/** Milliseconds → "M:SS" (or "H:MM:SS"), rounding up so 0:00 means the time is really up. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function timeFormat(locale: string, timeZone?: string): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone ?? ""}`;
  let f = formats.get(key);
  if (!f) {
    const tag = locale === "ru" ? "ru-RU" : "en-GB";
    const opts: Intl.DateTimeFormatOptions = {
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    };
    try {
      f = new Intl.DateTimeFormat(tag, { ...opts, timeZone });
    } catch {
      // An unknown time zone in a profile must not break the page.
      f = new Intl.DateTimeFormat(tag, opts);
    }
    formats.set(key, f);
  }
  return f;
}

/** "HH:MM:SS" of an instant in a time zone (the timer's end, as the learner reads clocks). */
export function formatTimeOfDay(d: Date, locale: string, timeZone?: string): string {
  return timeFormat(locale, timeZone).format(d);
}
