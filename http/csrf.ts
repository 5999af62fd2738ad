/**
 * CSRF protection for every state-changing request.
 *
 * The token is an HMAC of what the request is bound to: the signed-in user's
 * id and session version, or — before login and registration — a random
 * pre-session cookie. It travels in the `_csrf` field of urlencoded forms, in
 * the `X-CSRF-Token` header of `fetch` calls, or in the `_csrf` query
 * parameter of multipart forms (whose bodies stream and are not read here).
 * Independently, a request whose `Origin` is another site, or whose
 * `Sec-Fetch-Site` says cross-site, is refused.
 *
 * The token API is the exception, by design: an /api/v1 call signed in with
 * `Authorization: Bearer` needs no token (http/bearer.ts: a browser never
 * sends that header on its own, and the cookie is ignored then), and the
 * endpoints that hand out tokens (register, token, refresh, password-reset)
 * take JSON bodies without one — a mobile app has no page to get a token
 * from. They set no cookie, a cross-site page cannot send them JSON without
 * a CORS preflight we never grant, and the Origin check still applies.
 */
import type { Context } from "@/framework/mod.ts";
import type { State } from "@/define.ts";
import { getCookie, setCookie } from "./cookies.ts";
import { isUrlencoded, readForm } from "./forms.ts";
import { randomToken, toBase64Url } from "@/platform/encoding.ts";
import { createHmac } from "node:crypto";
import { HttpError } from "@/framework/mod.ts";
import { isSignInEndpoint } from "./bearer.ts";

export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "x-csrf-token";
export const PRE_SESSION_COOKIE = "gafus_pre";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

function isJson(req: Request): boolean {
  return (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase() ===
    "application/json";
}

/** A JSON call to one of the token API's sign-in endpoints (needs no CSRF token). */
function tokenEndpointRequest(ctx: Context<State>): boolean {
  return isSignInEndpoint(ctx.path) && isJson(ctx.req);
}

/**
 * Paths that prove themselves another way (webhook secret; same-origin
 * beacons; the signed token of a one-click unsubscribe, which mail services
 * POST from their own servers, RFC 8058).
 */
const EXEMPT = [
  /^\/api\/telegram\/webhook$/,
  /^\/api\/v1\/client-errors$/,
  /^\/unsubscribe\/[^/]+$/,
];

/** The token for a signed-in user's session (tests and API clients use this too). */
export function csrfTokenForUser(
  secret: string,
  user: { id: string; sessionVersion: number },
): string {
  return tokenFor(secret, `u:${user.id}:${user.sessionVersion}`);
}

/**
 * Tokens already computed, by secret and binding: a token is a pure function
 * of both, and a signed-in user's pages all need the same one. Bounded,
 * oldest first out.
 */
const tokens = new Map<string, string>();
const MAX_TOKENS = 10_000;

function tokenFor(secret: string, binding: string): string {
  const key = `${secret}\n${binding}`;
  let token = tokens.get(key);
  if (token === undefined) {
    token = toBase64Url(createHmac("sha256", `csrf:${secret}`).update(binding).digest());
    if (tokens.size >= MAX_TOKENS) tokens.delete(tokens.keys().next().value!);
    tokens.set(key, token);
  }
  return token;
}

function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function binding(ctx: Context<State>, preSession: string | undefined): string | null {
  const u = ctx.state.user;
  if (u) return `u:${u.id}:${u.sessionVersion}`;
  return preSession ? `p:${preSession}` : null;
}

/** False when the request comes from another site (Origin, then Sec-Fetch-Site). */
export function sameSiteRequest(ctx: Context<State>): boolean {
  const origin = ctx.req.headers.get("origin");
  if (origin && origin !== "null") {
    const allowed = new Set([ctx.url.origin, new URL(ctx.state.services.config.publicUrl).origin]);
    if (!allowed.has(origin)) return false;
  } else if (origin === "null") {
    return false;
  }
  const site = ctx.req.headers.get("sec-fetch-site");
  return !site || site === "same-origin" || site === "none";
}

const PENDING_COOKIE = Symbol("csrf.pendingCookie");
type Pending = { [PENDING_COOKIE]?: string };

/**
 * Sets `ctx.state.csrf` (token for forms and fetch) and refuses unsafe
 * requests without a valid token with 403; nothing behind runs then.
 */
export async function csrfMiddleware(ctx: Context<State>): Promise<Response> {
  const secret = ctx.state.services.config.secrets.session;
  let pre = getCookie(ctx.req.headers, PRE_SESSION_COOKIE);
  let token: string | undefined;
  ctx.state.csrf = () => {
    if (!token) {
      if (!ctx.state.user && !pre) {
        // First form for a visitor: bind it to a new pre-session cookie.
        pre = randomToken(18);
        (ctx as unknown as Pending)[PENDING_COOKIE] = pre;
      }
      token = tokenFor(secret, binding(ctx, pre)!);
    }
    return token;
  };

  if (!SAFE.has(ctx.req.method) && !EXEMPT.some((re) => re.test(ctx.path))) {
    // A bearer token is no ambient credential: where the call comes from does not matter.
    const bearer = ctx.state.token !== undefined;
    if (!bearer && !sameSiteRequest(ctx)) return forbidden(ctx, "cross-site request");
    if (!bearer && !tokenEndpointRequest(ctx)) {
      const bound = binding(ctx, pre);
      let sent = ctx.req.headers.get(CSRF_HEADER) ?? ctx.url.searchParams.get(CSRF_FIELD);
      if (!sent && isUrlencoded(ctx.req)) sent = (await readForm(ctx)).get(CSRF_FIELD);
      if (!bound || !sent || !timingSafeEqual(sent, tokenFor(secret, bound))) {
        return forbidden(ctx, "missing or invalid CSRF token");
      }
    }
  }

  const res = await ctx.next();
  const newPre = (ctx as unknown as Pending)[PENDING_COOKIE];
  if (newPre) {
    setCookie(res.headers, PRE_SESSION_COOKIE, newPre, {
      httpOnly: true,
      sameSite: "Lax",
      secure: ctx.state.services.config.production,
      maxAge: 7 * 24 * 3600,
    });
  }
  return res;
}

function forbidden(ctx: Context<State>, why: string): Response {
  const message = ctx.state.t("csrf.failed");
  if (ctx.path.startsWith("/api/") || ctx.req.headers.get("accept")?.includes("application/json")) {
    return Response.json({ error: "csrf", message, detail: why }, { status: 403 });
  }
  // The error page explains it in the user's language.
  throw new HttpError(403, why);
}
