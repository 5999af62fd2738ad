/**
 * How errors from core/ become responses: a visitor without a session is sent
 * to the login page (and back afterwards); the JSON API answers with a JSON
 * error in the user's language; everything else falls to the error pages.
 */
import type { Context } from "@/framework/mod.ts";
import type { State } from "@/define.ts";
import { z } from "zod";
import { ForbiddenError, NotFoundError, UnauthenticatedError } from "@/core/auth/guards.ts";
import { fieldErrors } from "@/core/validation.ts";
import { translator } from "@/core/i18n/mod.ts";
import { RateLimitedError, rateLimitMessage } from "@/core/rate_limit.ts";
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

export function mapError(err: unknown, ctx: Context<unknown>): Response | undefined {
  const state = ctx.state as Partial<State>;
  const t = state.t ?? translator("ru");
  if (err instanceof UnauthenticatedError) {
    return isApi(ctx) ? jsonError(401, "unauthenticated", t("error.401.text")) : loginRedirect(ctx);
  }
  if (err instanceof RateLimitedError && isApi(ctx)) {
    return jsonError(429, "rate_limited", rateLimitMessage(t, err), undefined, err.headers);
  }
  if (!isApi(ctx)) return undefined;
  if (err instanceof ForbiddenError) return jsonError(403, "forbidden", t("error.403.text"));
  if (err instanceof NotFoundError) return jsonError(404, "not_found", t("error.404.text"));
  if (err instanceof z.ZodError) {
    return jsonError(400, "invalid", t("error.400.text"), fieldErrors(err, t));
  }
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return jsonError(status, "bad_request", (err as Error).message);
  }
  return undefined;
}
