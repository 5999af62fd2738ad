/**
 * Picks the request's language: the `lang` cookie, then the signed-in user's
 * setting, then Accept-Language, then Russian. (Bearer API calls: their
 * Accept-Language, then the user's setting; see http/bearer.ts.)
 */
import type { Context } from "@/framework/mod.ts";
import type { State } from "@/define.ts";
import { isLocale, negotiateLocale, translator } from "@/core/i18n/mod.ts";
import { getCookie } from "./cookies.ts";

export const LOCALE_COOKIE = "lang";

export function localeMiddleware(ctx: Context<State>): Response | Promise<Response> {
  // A bearer request's language was chosen with its token (http/bearer.ts).
  if (ctx.state.token) return ctx.next();
  const fromCookie = getCookie(ctx.req.headers, LOCALE_COOKIE);
  const locale = isLocale(fromCookie)
    ? fromCookie
    : ctx.state.user?.locale ?? negotiateLocale(ctx.req.headers.get("accept-language"));
  ctx.state.locale = locale;
  ctx.state.t = translator(locale);
  return ctx.next();
}
