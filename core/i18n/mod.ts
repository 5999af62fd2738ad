/**
 * Translations. Russian is the default; English mirrors every key (the type
 * of `en` is derived from `ru`, so a missing key fails type-checking).
 *
 * A message is a string with `{name}` placeholders, or plural forms chosen
 * with `Intl.PluralRules` (`one`, `few`, `many`, `other`) where `{count}` is
 * the number.
 */
import { ru } from "./ru.ts";
import { en } from "./en.ts";
import {
  fill,
  formatNumber,
  formatPlural,
  type Locale,
  type Message,
  type PluralForms,
} from "./format.ts";
import type { Dictionary, MessageKey } from "./types.ts";

export { formatPlural, NBSP } from "./format.ts";
export type { Dictionary, Locale, Message, MessageKey, PluralForms };
export const LOCALES: readonly Locale[] = ["ru", "en"];
export const DEFAULT_LOCALE: Locale = "ru";

const dictionaries: Record<Locale, Dictionary> = { ru, en };

export function isLocale(v: unknown): v is Locale {
  return v === "ru" || v === "en";
}

export interface Translator {
  locale: Locale;
  (key: MessageKey, vars?: Record<string, string | number>): string;
  /** Plural message: picks the form for `count` and fills `{count}`. */
  plural(key: MessageKey, count: number, vars?: Record<string, string | number>): string;
  /** Formats a date in the locale (default: day, month name, year). */
  date(d: Date | string, opts?: Intl.DateTimeFormatOptions): string;
  /** A number in the locale; digit groups are joined by no-break spaces ("10 000"). */
  number(n: number, opts?: Intl.NumberFormatOptions): string;
  /** The message as stored (a string or plural forms), e.g. to hand to an island. */
  raw(key: MessageKey): Message;
}

const translators = new Map<Locale, Translator>();

/** The translator for a locale (cached: one per locale for the process). */
export function translator(locale: Locale): Translator {
  const cached = translators.get(locale);
  if (cached) return cached;
  const dict = dictionaries[locale];
  const tag = locale === "ru" ? "ru-RU" : "en-GB";
  const dateFmt = new Intl.DateTimeFormat(tag, { day: "numeric", month: "long", year: "numeric" });
  const t = ((key: MessageKey, vars?: Record<string, string | number>) => {
    const msg = dict[key] ?? ru[key];
    if (typeof msg !== "string") return fill(msg.other, vars);
    return fill(msg, vars);
  }) as Translator;
  t.locale = locale;
  t.raw = (key) => dict[key] ?? ru[key];
  t.plural = (key, count, vars) =>
    formatPlural(locale, t.raw(key), count, vars, (n) => t.number(n));
  t.date = (d, opts) => {
    const date = typeof d === "string" ? new Date(d) : d;
    return opts ? new Intl.DateTimeFormat(tag, opts).format(date) : dateFmt.format(date);
  };
  t.number = (n, opts) => formatNumber(tag, n, opts);
  translators.set(locale, t);
  return t;
}

const negotiated = new Map<string, Locale>();

/** Picks a locale from an Accept-Language header (first supported tag wins). */
export function negotiateLocale(header: string | null): Locale {
  if (!header) return DEFAULT_LOCALE;
  // Browsers send a handful of distinct headers: remember the answers.
  const known = negotiated.get(header);
  if (known) return known;
  const locale = negotiate(header);
  if (negotiated.size > 500) negotiated.clear();
  negotiated.set(header, locale);
  return locale;
}

function negotiate(header: string): Locale {
  const tags = header.split(",").map((part) => {
    const [tag, q] = part.trim().split(";q=");
    return { tag: tag.toLowerCase(), q: q ? Number(q) : 1 };
  }).sort((a, b) => b.q - a.q);
  for (const { tag } of tags) {
    const base = tag.split("-")[0];
    if (isLocale(base)) return base;
  }
  return DEFAULT_LOCALE;
}
