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
