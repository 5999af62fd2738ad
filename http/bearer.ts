/**
 * Bearer tokens on the JSON API (core/auth/tokens.ts issues them).
 *
 * Only `/api/v1/…` reads `Authorization: Bearer`; pages stay cookie-only, so
 * a token that leaks into a browser cannot open the site. On the API a
 * bearer header wins: the session cookie of the same request is ignored
 * (neither read nor cleared), the request needs no CSRF token (a browser
 * never attaches the header by itself, so a forged cross-site request cannot
 * carry it), and its answers are in the Accept-Language of the caller
 * (else the user's setting). A token that does not check out is a 401 at
 * once, with `WWW-Authenticate: Bearer error="invalid_token"`, so the
 * client refreshes instead of acting as a visitor. Each login (token family)
 * has a call budget per minute (429 with Retry-After over it). The sign-in
 * endpoints (register, token, refresh, password-reset) ignore the header.
 */
import type { Context } from "@/framework/mod.ts";
import type { State } from "@/define.ts";
import { authenticateAccessToken, countApiCall, InvalidTokenError } from "@/core/auth/tokens.ts";
import { negotiateLocale, translator } from "@/core/i18n/mod.ts";
import type { Locale } from "@/core/i18n/mod.ts";
import { logContext } from "@/platform/log.ts";

/** Where bearer tokens are accepted. */
export const TOKEN_API_PREFIX = "/api/v1/";

/**
 * The endpoints that hand out tokens. They need no signed-in user, so a
 * bearer header there is ignored: an app that sends its expired access
 * token with every call must still be able to refresh it.
 */
const SIGN_IN_ENDPOINTS = /^\/api\/v1\/auth\/(?:register|token|refresh|password-reset)$/;

export function isSignInEndpoint(path: string): boolean {
  return SIGN_IN_ENDPOINTS.test(path);
}

/** The token of an `Authorization: Bearer …` header, or null without one. */
export function bearerToken(headers: Headers): string | null {
  const h = headers.get("authorization");
  if (!h) return null;
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(h);
  // A malformed header is still a bearer attempt: it fails verification as "".
  return m ? m[1] : /^Bearer\b/i.test(h) ? "" : null;
}

/** True when this request is answered by a bearer token rather than the cookie. */
export function usesBearer(ctx: Context<State>): boolean {
  return ctx.path.startsWith(TOKEN_API_PREFIX) && !isSignInEndpoint(ctx.path) &&
    bearerToken(ctx.req.headers) !== null;
}

/** A bearer caller's language: their Accept-Language, else their setting. */
export function bearerLocale(headers: Headers, userLocale: Locale | undefined): Locale {
  const header = headers.get("accept-language");
  return header || !userLocale ? negotiateLocale(header) : userLocale;
}

function setLocale(ctx: Context<State>, locale: Locale): void {
  ctx.state.locale = locale;
  ctx.state.t = translator(locale);
}

/**
 * Resolves the bearer token to `ctx.state.user` and `ctx.state.token`, and
 * counts the call against its login's budget. Called by the session
 * middleware in place of the cookie when `usesBearer(ctx)`.
 */
export async function bearerMiddleware(ctx: Context<State>): Promise<Response> {
  const token = bearerToken(ctx.req.headers) ?? "";
  const auth = token ? await authenticateAccessToken(ctx.state.services, token) : null;
  // Errors from here on are already in the caller's language.
  setLocale(ctx, bearerLocale(ctx.req.headers, auth?.user.locale));
  if (!auth) throw new InvalidTokenError();
  ctx.state.user = auth.user;
  ctx.state.token = auth.claims;
  const logCtx = logContext();
  if (logCtx) logCtx.userId = auth.user.id;
  await countApiCall(ctx.state.services, auth.claims);
  return await ctx.next();
}
