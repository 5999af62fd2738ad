/**
 * Field rules shared by profile and pet forms (zod): blank-clears-a-field,
 * calendar dates typed as `ДД.ММ.ГГГГ` or ISO, one-line and multi-line text.
 * Messages are i18n keys, like every schema in core/.
 */
import { z } from "zod";

/** Form fields: blank ("" or spaces) or null clears a field; absent leaves it as it is. */
export function clearable<T extends z.ZodType>(schema: T) {
  return z.preprocess(
    (v) => (v === null || (typeof v === "string" && v.trim() === "") ? null : v),
    schema.nullable().optional(),
  );
}

/** Today's date where the day starts earliest (UTC+14): "not in the future" for everyone. */
function latestToday(): string {
  return new Date(Date.now() + 14 * 3600_000).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` or `DD.MM.YYYY` (also `D.M.YYYY`, `/` or `-` separators) → `YYYY-MM-DD`, or null. */
export function parseDateInput(raw: string): string | null {
  const v = raw.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (match) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else {
    match = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(v);
    if (!match) return null;
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  // Rejects 31.02 and friends: the calendar must give back the same numbers.
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return null;
  }
  return date.toISOString().slice(0, 10);
}

/** A calendar date from `min` to today, as `YYYY-MM-DD`; every failure gives `message`. */
export function pastDate(min: string, message: string) {
  return z.string({ error: message }).transform((v, ctx) => {
    const iso = parseDateInput(v);
    if (!iso || iso < min || iso > latestToday()) {
      ctx.issues.push({ code: "custom", message, input: v });
      return z.NEVER;
    }
    return iso;
  });
}

/** One-line text: trimmed, inner whitespace collapsed, no control characters. */
export function line(max: number) {
  return z.string().transform((v) => v.replace(/\s+/g, " ").trim()).pipe(
    z.string().max(max).regex(/^[^\p{Cc}]*$/u, { error: "validation.invalid" }),
  );
}

/** Multi-line text: trimmed, CRLF → LF, no control characters but newlines and tabs. */
export function paragraph(max: number) {
  return z.string().transform((v) => v.replace(/\r\n?/g, "\n").trim()).pipe(
    z.string().max(max).regex(/^(?:[^\p{Cc}]|[\n\t])*$/u, { error: "validation.invalid" }),
  );
}
