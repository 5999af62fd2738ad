/**
 * How a thrown error becomes a response — the one place. An `AppError` (or a
 * ZodError from validating input) is an answer the user can act on: for the
 * JSON API `{ error, message, fields? }` (plus the error's `data`), for a
 * visitor without a session the login page, otherwise the error pages, always
 * in the user's language. Anything else is a bug: logged, recorded in the
 * error dashboard, and answered with a 500 that shows the request id and
 * never the error's own text. Form pages that re-render with field messages
 * ask `formFailure` instead, and only for the errors their form can show.
 */
import { type Context, HttpError } from "@/framework/mod.ts";
import type { State } from "@/define.ts";
import { z } from "zod";
import { AppError } from "@/core/app_error.ts";
import { UnauthenticatedError } from "@/core/auth/guards.ts";
import { type FieldErrors, fieldErrors } from "@/core/validation.ts";
import { type Translator, translator } from "@/core/i18n/mod.ts";
import { reportError } from "@/core/error_tracking.ts";
import { log, logContext } from "@/platform/log.ts";
import { loggedPath, loggedUrl } from "./redact.ts";
import { loginPath } from "@/core/paths.ts";

export function isApi(ctx: Context<unknown>): boolean {
  return ctx.path.startsWith("/api/");
}

/** A JSON error body: `{ error, message, fields? }`. */
export function jsonError(
  status: number,
  error: string,
  message: string,
  fields?: Record<string, string>,
  headers?: HeadersInit,
): Response {
  return Response.json(fields ? { error, message, fields } : { error, message }, {
    status,
    headers,
  });
}

export function loginRedirect(ctx: Context<unknown>): Response {
  const next = ctx.path + ctx.url.search;
  return new Response(null, {
    status: 303,
    headers: { location: loginPath(next) },
  });
}

/** An error a person can act on, put into words. */
interface Described {
  status: number;
  error: string;
  message: string;
  fields?: FieldErrors;
  data?: Record<string, string | number | null>;
  headers?: Record<string, string>;
}

/** Invalid input as a form shows it (422) and as the API answers it (400). */
const INVALID_FORM = 422;
const INVALID_API = 400;

function describe(err: unknown, t: Translator, invalidStatus: number): Described | undefined {
  if (err instanceof AppError) {
    return {
      status: err.status,
      error: err.code,
      message: err.describe(t),
      fields: err.fieldMessages(t),
      data: err.data,
      headers: err.headers,
    };
  }
  if (err instanceof z.ZodError) {
    return {
      status: invalidStatus,
      error: "invalid",
      message: t("error.400.text"),
      fields: fieldErrors(err, t),
    };
  }
  return undefined;
}

/** The status `mapError` answers `err` with (the error pages show it the same way). */
export function errorStatus(err: unknown): number {
  if (err instanceof HttpError || err instanceof AppError) return err.status;
  return err instanceof z.ZodError ? INVALID_API : 500;
}

function translatorOf(ctx: Context<unknown>): Translator {
  // The error may have happened before the locale middleware ran.
  return (ctx.state as Partial<State>).t ?? translator("ru");
}

/**
 * The app's answer to anything a handler or middleware threw: a response, or
 * the status page the framework renders (404 → `_404`, else `_500`).
 */
export function mapError(err: unknown, ctx: Context<unknown>): Response | HttpError {
  // The framework's own way to ask for a status page (a failed CSRF check, a 405).
  if (err instanceof HttpError) return err;
  const api = isApi(ctx);
  if (err instanceof UnauthenticatedError && !api) return loginRedirect(ctx);
  const t = translatorOf(ctx);
  const known = describe(err, t, INVALID_API);
  if (!known) {
    reportUnexpected(err, ctx);
    if (!api) return new HttpError(500);
    const requestId = (ctx.state as Partial<State>).requestId;
    return Response.json({
      error: "internal",
      message: t("error.500.text"),
      ...(requestId ? { requestId } : {}),
    }, { status: 500 });
  }
  if (!api) return new HttpError(errorStatus(err), known.error, known.headers);
  const { status, error, message, data, headers } = known;
  // A form's `_form` message is the answer's `message`; `fields` are the named ones.
  const { _form: _, ...fields } = known.fields ?? {};
  const body = { ...data, error, message, ...(Object.keys(fields).length ? { fields } : {}) };
  return Response.json(body, { status, headers });
}

/** What a form page needs to show itself again: status, field messages, headers. */
export interface FormFailure {
  status: number;
  /** Machine-readable code (for tests and logs; the page shows `errors`). */
  error: string;
  /** Field → message; `_form` is a message for the whole form. */
  errors: FieldErrors;
  headers?: Record<string, string>;
}

/**
 * For a route whose page re-renders its form: the failure to show when the
 * error is one the form can show (invalid input, or an AppError that names
 * fields); undefined otherwise, and the route rethrows it to `mapError`.
 */
export function formFailure(err: unknown, t: Translator): FormFailure | undefined {
  if (!(err instanceof z.ZodError) && !(err instanceof AppError && err.fields)) return undefined;
  const known = describe(err, t, INVALID_FORM)!;
  return {
    status: known.status,
    error: known.error,
    errors: known.fields ?? { _form: known.message },
    headers: known.headers,
  };
}

/** Logs an error no one expected and records it for the error dashboard. */
export function reportUnexpected(err: unknown, ctx: Context<unknown>): void {
  const requestId = logContext()?.requestId;
  log.error("unhandled error", { err, method: ctx.req.method, path: loggedPath(ctx), requestId });
  const state = ctx.state as Partial<State>;
  if (!state.services) return;
  // Not awaited: the answer must not wait for error tracking (which never throws).
  void reportError(state.services, {
    source: "server",
    error: err,
    context: {
      url: loggedUrl(ctx),
      method: ctx.req.method,
      route: ctx.route,
      userAgent: ctx.req.headers.get("user-agent"),
      userId: state.user?.id ?? null,
      requestId,
    },
  });
}
