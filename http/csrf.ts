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
import { cookieFrom, setCookie } from "./cookies.ts";
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

/**
 * One request's token, made on first use. Its own small object, so the
 * `ctx.state.csrf` closure holds this and not the whole request: V8 may
 * allocate such a closure straight in the old generation, and whatever it
 * holds then outlives every young-generation GC.
 */
class RequestToken {
  #pre: string | undefined | null = null;
  #token: string | undefined = undefined;
  /** A pre-session cookie this request made (set on the response). */
  newPre: string | undefined = undefined;

  constructor(
    readonly secret: string,
    /** The request's Cookie header (its text: the request itself is not kept here). */
    readonly cookies: string | null,
    readonly user: { id: string; sessionVersion: number } | null,
  ) {}

  /** The visitor's pre-session id, read from the cookie on first use. */
  pre(): string | undefined {
    if (this.#pre === null) this.#pre = cookieFrom(this.cookies, PRE_SESSION_COOKIE);
    return this.#pre;
  }

  binding(): string | null {
    const u = this.user;
    if (u) return `u:${u.id}:${u.sessionVersion}`;
    const pre = this.pre();
    return pre ? `p:${pre}` : null;
  }

  token(): string {
    if (this.#token === undefined) {
      if (!this.user && !this.pre()) {
        // First form for a visitor: bind it to a new pre-session cookie.
        this.#pre = this.newPre = randomToken(18);
      }
      this.#token = tokenFor(this.secret, this.binding()!);
    }
    return this.#token;
  }
}

const TOKEN = Symbol("csrf.token");
type WithToken = { [TOKEN]?: RequestToken };

/**
 * Sets `ctx.state.csrf` (token for forms and fetch) and refuses unsafe
 * requests without a valid token with 403; nothing behind runs then.
 */
export function csrfMiddleware(ctx: Context<State>): Response | Promise<Response> {
  const rt = new RequestToken(
    ctx.state.services.config.secrets.session,
    ctx.req.headers.get("cookie"),
    ctx.state.user,
  );
  (ctx as WithToken)[TOKEN] = rt;
  ctx.state.csrf = () => rt.token();
  if (SAFE.has(ctx.req.method) || EXEMPT.some((re) => re.test(ctx.path))) {
    ctx.onResponse(withPreSessionCookie);
    return ctx.next();
  }
  return checked(ctx, rt);
}

/** An unsafe request: refused unless same-site and carrying this session's token. */
async function checked(ctx: Context<State>, rt: RequestToken): Promise<Response> {
  // A bearer token is no ambient credential: where the call comes from does not matter.
  const bearer = ctx.state.token !== undefined;
  if (!bearer && !sameSiteRequest(ctx)) return forbidden(ctx, "cross-site request");
  if (!bearer && !tokenEndpointRequest(ctx)) {
    const bound = rt.binding();
    let sent = ctx.req.headers.get(CSRF_HEADER) ?? ctx.url.searchParams.get(CSRF_FIELD);
    if (!sent && isUrlencoded(ctx.req)) sent = (await readForm(ctx)).get(CSRF_FIELD);
    if (!bound || !sent || !timingSafeEqual(sent, tokenFor(rt.secret, bound))) {
      return forbidden(ctx, "missing or invalid CSRF token");
    }
  }
  ctx.onResponse(withPreSessionCookie);
  return await ctx.next();
}

/** Sets the pre-session cookie when this request made one for a visitor's first form. */
function withPreSessionCookie(res: Response, ctx: Context<State>): Response {
  const newPre = (ctx as WithToken)[TOKEN]?.newPre;
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
