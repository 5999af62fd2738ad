/**
 * How the account flows' expected failures read to a person: field
 * messages for a form re-rendered with its values, or the `{error, message,
 * fields}` body of a JSON answer. One mapping, so a page and the API say
 * the same thing. Anything not listed here is unexpected and is rethrown.
 */
import { z } from "zod";
import type { Translator } from "../i18n/mod.ts";
import { type FieldErrors, fieldErrors } from "../validation.ts";
import { RateLimitedError, rateLimitMessage } from "../rate_limit.ts";
import { UserExistsError } from "../users.ts";
import { AccountHasContentError, WrongPasswordError } from "./account.ts";
import { ResetTokenError } from "./password_reset.ts";

export interface FormFailure {
  /** 422 for a form to fix, 429 over a rate limit, 400 for a dead reset link, 409 conflict. */
  status: number;
  /** Machine-readable code for JSON clients. */
  error: string;
  /** Field → message; `_form` is a message for the whole form. */
  errors: FieldErrors;
  headers?: Record<string, string>;
}

export function accountFailure(err: unknown, t: Translator): FormFailure | undefined {
  if (err instanceof z.ZodError) {
    return { status: 422, error: "invalid", errors: fieldErrors(err, t) };
  }
  if (err instanceof RateLimitedError) {
    return {
      status: 429,
      error: "rate_limited",
      errors: { _form: rateLimitMessage(t, err) },
      headers: { "retry-after": String(err.retryAfterSec) },
    };
  }
  if (err instanceof UserExistsError) {
    // One message for a taken username and a taken email: no enumeration.
    return { status: 422, error: "taken", errors: { _form: t("validation.taken") } };
  }
  if (err instanceof WrongPasswordError) {
    return {
      status: 422,
      error: "wrong_password",
      errors: { currentPassword: t("auth.password.wrong") },
    };
  }
  if (err instanceof AccountHasContentError) {
    return {
      status: 409,
      error: "has_content",
      errors: { _form: t("settings.delete.hasContent") },
    };
  }
  if (err instanceof ResetTokenError) {
    return {
      status: 400,
      error: `reset_token_${err.state}`,
      errors: { _form: t(`auth.reset.state.${err.state}`) },
    };
  }
  return undefined;
}
