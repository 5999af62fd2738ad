/**
 * Turning zod errors into field messages in the user's language.
 *
 * Schemas in core/ use i18n keys as their custom messages (`{ error:
 * "validation.username" }`); anything else falls back to a generic message
 * chosen by the issue's kind (required, too short, too long…).
 */
import type { z } from "zod";
import type { MessageKey, Translator } from "./i18n/mod.ts";
import { ru } from "./i18n/ru.ts";

export type FieldErrors = Record<string, string>;

function isKey(s: string): s is MessageKey {
  return s in ru;
}

/** One message per field (the first issue wins); `_form` for issues without a path. */
export function fieldErrors(error: z.ZodError, t: Translator): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.length ? issue.path.join(".") : "_form";
    if (field in out) continue;
    out[field] = issueMessage(issue, t);
  }
  return out;
}

function issueMessage(issue: z.core.$ZodIssue, t: Translator): string {
  if (isKey(issue.message)) {
    const vars: Record<string, string | number> = {};
    if ("minimum" in issue) vars.min = Number(issue.minimum);
    if ("maximum" in issue) vars.max = Number(issue.maximum);
    return t(issue.message, vars);
  }
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined || issue.input === null || issue.input === ""
        ? t("validation.required")
        : t("validation.invalid");
    case "too_small":
      if (issue.origin === "string") {
        return Number(issue.minimum) <= 1
          ? t("validation.required")
          : t("validation.tooShort", { min: Number(issue.minimum) });
      }
      return t("validation.tooSmall", { min: Number(issue.minimum) });
    case "too_big":
      if (issue.origin === "string") return t("validation.tooLong", { max: Number(issue.maximum) });
      return t("validation.tooBig", { max: Number(issue.maximum) });
    default:
      return t("validation.invalid");
  }
}

/** English messages for the CLI and logs. */
export function plainErrors(error: z.ZodError, t: Translator): string {
  return Object.entries(fieldErrors(error, t)).map(([k, v]) => `${k}: ${v}`).join("; ");
}
