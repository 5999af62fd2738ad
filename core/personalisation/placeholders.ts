/**
 * Personalisation placeholders in step and day texts: the grammar, the
 * known names, finding the ones a trainer got wrong, and substituting a
 * learner's values. Pure: no database, no I/O, nothing here ever throws on
 * what a trainer typed.
 *
 * Grammar (whitespace around the name is allowed):
 *
 * - `{{petName}}` the pet's name; `{{petName:genitive}}` (also `dative`,
 *   `accusative`, `instrumental`, `prepositional`) its Russian case, falling
 *   back to the nominative when the learner gave none;
 * - `{{userName}}` the learner's name;
 * - `{{gender:пошёл|пошла}}` the learner's gender (male | female), and
 *   `{{petGender:мальчик|девочка}}` the pet's; exactly two forms, either may
 *   be empty (`пошёл{{gender:|а}}` is not needed but allowed), no braces inside.
 *
 * Anything else between `{{` and `}}` is unknown or malformed: the trainer
 * is warned (`findUnknown`) and learners see it literally, as typed.
 */

export type Gender = "male" | "female";
export const GENDERS: readonly Gender[] = ["male", "female"];

export const PET_CASES = [
  "genitive",
  "dative",
  "accusative",
  "instrumental",
  "prepositional",
] as const;
export type PetCase = typeof PET_CASES[number];

/** Every placeholder name the grammar knows. */
export const PLACEHOLDER_NAMES = ["petName", "userName", "gender", "petGender"] as const;
export type PlaceholderName = typeof PLACEHOLDER_NAMES[number];

/** A learner's values; anything missing gets the neutral fallback of the locale. */
export interface PersonalValues {
  userName?: string | null;
  gender?: Gender | null;
  petName?: string | null;
  petGender?: Gender | null;
  petCases?: Partial<Record<PetCase, string | null>> | null;
}

export type Locale = "ru" | "en";

/** Where the result goes: plain text (titles, escaped later by JSX) or Markdown source. */
export type TextContext = "text" | "markdown";

type Parsed =
  | { kind: "petName"; case: PetCase | null }
  | { kind: "userName" }
  | { kind: "gender" | "petGender"; forms: [string, string] }
  | { kind: "unknown" }
  | { kind: "malformed" };

/** `{{…}}` with no braces inside; anything else with `{{` or `}}` is malformed. */
const TOKEN = /\{\{([^{}]*)\}\}/g;

function parse(inner: string): Parsed {
  const colon = inner.indexOf(":");
  const name = (colon < 0 ? inner : inner.slice(0, colon)).trim();
  const arg = colon < 0 ? null : inner.slice(colon + 1);
  if (!(PLACEHOLDER_NAMES as readonly string[]).includes(name)) {
    return name && /^[A-Za-z][\w.-]*$/.test(name) ? { kind: "unknown" } : { kind: "malformed" };
  }
  switch (name as PlaceholderName) {
    case "petName": {
      if (arg === null) return { kind: "petName", case: null };
      const c = arg.trim();
      return (PET_CASES as readonly string[]).includes(c)
        ? { kind: "petName", case: c as PetCase }
        : { kind: "malformed" };
    }
    case "userName":
      return arg === null ? { kind: "userName" } : { kind: "malformed" };
    case "gender":
    case "petGender": {
      const forms = arg?.split("|");
      if (!forms || forms.length !== 2) return { kind: "malformed" };
      return { kind: name as "gender" | "petGender", forms: [forms[0], forms[1]] };
    }
  }
}

export type ProblemReason = "unknown" | "malformed" | "unclosed";

export interface PlaceholderProblem {
  /** The text as typed (for "unclosed": the rest of the line from the stray braces, shortened). */
  text: string;
  reason: ProblemReason;
}

/**
 * The placeholders in `text` that will not be substituted, each once, in the
 * order they appear: unknown names, known names with a bad argument, and
 * stray `{{` or `}}`.
 */
export function findUnknown(text: string): PlaceholderProblem[] {
  const out: PlaceholderProblem[] = [];
  const seen = new Set<string>();
  const add = (p: PlaceholderProblem) => {
    const key = `${p.reason}\u0000${p.text}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  };
  const source = text ?? "";
  let rest = "";
  let last = 0;
  for (const m of source.matchAll(TOKEN)) {
    rest += source.slice(last, m.index) + " ";
    last = m.index! + m[0].length;
    const p = parse(m[1]);
    if (p.kind === "unknown" || p.kind === "malformed") add({ text: m[0], reason: p.kind });
  }
  rest += source.slice(last);
  // What is left holds no whole token: any `{{` or `}}` in it is stray.
  for (const m of rest.matchAll(/\{\{|\}\}/g)) {
    const snippet = rest.slice(m.index!, m.index! + 30).split("\n")[0];
    add({ text: snippet, reason: "unclosed" });
  }
  return out;
}

/** Whether `text` has any `{{`: texts without one are used as they are (the common case). */
export function hasPlaceholders(text: string): boolean {
  return (text ?? "").includes("{{") || (text ?? "").includes("}}");
}

/**
 * Markdown-inert text: every ASCII punctuation character backslash-escaped
 * (CommonMark allows that for all of them), line breaks flattened. So a
 * value like `**x**`, `[a](javascript:x)` or `<script>` is shown literally;
 * the HTML sanitizer still runs on the result.
 */
export function escapeMarkdown(value: string): string {
  return value.replace(/[\r\n]+/g, " ").replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}

const FALLBACK_PET: Record<Locale, Record<PetCase | "nominative", string>> = {
  ru: {
    nominative: "ваша собака",
    genitive: "вашей собаки",
    dative: "вашей собаке",
    accusative: "вашу собаку",
    instrumental: "вашей собакой",
    prepositional: "вашей собаке",
  },
  en: {
    nominative: "your dog",
    genitive: "your dog",
    dative: "your dog",
    accusative: "your dog",
    instrumental: "your dog",
    prepositional: "your dog",
  },
};

/** Only for a visitor (no username to fall back on). */
const FALLBACK_USER: Record<Locale, string> = { ru: "друг", en: "friend" };

const clean = (v: string | null | undefined) => (v ?? "").replace(/\s+/g, " ").trim();

function valueOf(p: Parsed, values: PersonalValues, locale: Locale): string | null {
  switch (p.kind) {
    case "petName": {
      const name = clean(values.petName);
      if (!name) return FALLBACK_PET[locale][p.case ?? "nominative"];
      return (p.case && clean(values.petCases?.[p.case])) || name;
    }
    case "userName":
      return clean(values.userName) || FALLBACK_USER[locale];
    case "gender":
      return values.gender === "female" ? p.forms[1] : p.forms[0];
    case "petGender":
      return values.petGender === "female" ? p.forms[1] : p.forms[0];
    default:
      return null;
  }
}

/**
 * `text` with every known placeholder replaced by the learner's value (or
 * the locale's neutral fallback: "ваша собака", the first gender form).
 * Unknown and malformed placeholders stay as typed. In "markdown" context
 * the values (and the literal unknown placeholders) are Markdown-escaped,
 * the trainer's own text is not; gender forms are the trainer's text too.
 */
export function substitute(
  text: string,
  values: PersonalValues,
  locale: Locale,
  context: TextContext = "text",
): string {
  const source = text ?? "";
  if (!hasPlaceholders(source)) return source;
  const esc = context === "markdown" ? escapeMarkdown : (v: string) => v;
  return source.replace(TOKEN, (whole, inner: string) => {
    const p = parse(inner);
    if (p.kind === "gender" || p.kind === "petGender") return valueOf(p, values, locale)!;
    const v = valueOf(p, values, locale);
    return esc(v ?? whole);
  });
}
