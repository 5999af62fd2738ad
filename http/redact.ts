/**
 * URLs as they may be written to logs and error reports: a path that carries
 * a secret (a password-reset link) is replaced by its route pattern, and the
 * CSRF token that multipart forms carry in their query is dropped.
 */
import type { Context } from "@/framework/mod.ts";

/** The path for logs: the route pattern when the path itself is a secret. */
export function loggedPath(ctx: Context<unknown>): string {
  return ctx.route?.includes(":token") ? ctx.route : ctx.path;
}

/** Path and query for error reports, without secrets. */
export function loggedUrl(ctx: Context<unknown>): string {
  const path = loggedPath(ctx);
  if (!ctx.url.search) return path;
  const params = new URLSearchParams(ctx.url.search);
  params.delete("_csrf");
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}
