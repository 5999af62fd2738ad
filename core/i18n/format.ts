/**
 * Message formatting without the dictionaries, so islands can format the
 * messages they receive as props without shipping every translation.
 */

export type Locale = "ru" | "en";
export type PluralForms = { one: string; few?: string; many?: string; other: string };
export type Message = string | PluralForms;

export function fill(text: string, vars?: Record<string, string | number>): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

/**
 * The no-break space that binds a number to its unit ("3 мин", "10 МБ",
 * "50 %") and groups digits ("10 000"), so a line never breaks inside a value.
 * Dictionaries write it as `\u00a0`.
 */
export const NBSP = "\u00a0";

const numberFormats = new Map<string, Intl.NumberFormat>();

/**
 * A number in the locale, grouped with a no-break space wherever the locale
 * groups with a space: ICU versions differ between U+00A0 and the narrow
 * U+202F (which some fonts lack), and both must not break a line.
 */
export function formatNumber(tag: string, n: number, opts?: Intl.NumberFormatOptions): string {
  const key = opts ? `${tag} ${JSON.stringify(opts)}` : tag;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(tag, opts);
    if (numberFormats.size > 100) numberFormats.clear();
    numberFormats.set(key, f);
  }
  return f.format(n).replace(/[\u202f\u2009 ]/g, NBSP);
}

const rules = new Map<Locale, Intl.PluralRules>();

/** Picks the plural form of `msg` for `count` and fills `{count}` and `vars`. */
export function formatPlural(
  locale: Locale,
  msg: Message,
  count: number,
  vars?: Record<string, string | number>,
  formatCount: (n: number) => string = String,
): string {
  if (typeof msg === "string") return fill(msg, { count: formatCount(count), ...vars });
  let r = rules.get(locale);
  if (!r) rules.set(locale, r = new Intl.PluralRules(locale));
  const form = r.select(count) as keyof PluralForms;
  return fill(msg[form] ?? msg.other, { count: formatCount(count), ...vars });
}
