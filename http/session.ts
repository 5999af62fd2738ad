/**
 * Resolves the session cookie to `ctx.state.user` (null for visitors). A
 * cookie that no longer works (expired, revoked by a newer session version,
 * disabled account) is cleared on the response. API calls with a bearer
 * token are resolved by http/bearer.ts instead.
 */
import type { Context } from "@/framework/mod.ts";
import type { State } from "@/define.ts";
import {
  createSessionToken,
  loadSessionUser,
  revokeSessionToken,
  SESSION_TTL_SEC,
} from "@/core/auth/session.ts";
import { deleteCookie, getCookie, setCookie } from "./cookies.ts";
import { logContext } from "@/platform/log.ts";
import { bearerMiddleware, usesBearer } from "./bearer.ts";

export const SESSION_COOKIE = "gafus_session";

export function sessionMiddleware(ctx: Context<State>): Response | Promise<Response> {
  // On /api/v1 a bearer token wins and the cookie is left alone (http/bearer.ts).
  if (usesBearer(ctx)) return bearerMiddleware(ctx);
  const token = getCookie(ctx.req.headers, SESSION_COOKIE);
  if (!token) {
    // A visitor: nothing to look up, no extra promise in the chain.
    ctx.state.user = null;
    return ctx.next();
  }
  return signedIn(ctx, token);
}

async function signedIn(ctx: Context<State>, token: string): Promise<Response> {
  const user = await loadSessionUser(ctx.state.services, token);
  ctx.state.user = user;
  // Every log line of this request names the user from here on.
  const logCtx = logContext();
  if (user && logCtx) logCtx.userId = user.id;
  const res = await ctx.next();
  if (!user && !res.headers.has("set-cookie")) deleteCookie(res.headers, SESSION_COOKIE);
  return res;
}

/** Signs the user in on this response (after login or registration). */
export async function startSession(
  ctx: Context<State>,
  headers: Headers,
  user: { id: string; sessionVersion: number },
): Promise<void> {
  const token = await createSessionToken(ctx.state.services, user);
  setCookie(headers, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: ctx.state.services.config.production,
    maxAge: SESSION_TTL_SEC,
  });
}

/** Signs this browser out: the session is revoked on the server and the cookie cleared. */
export async function endSession(ctx: Context<State>, headers: Headers): Promise<void> {
  const token = getCookie(ctx.req.headers, SESSION_COOKIE);
  if (token) await revokeSessionToken(ctx.state.services, token);
  deleteCookie(headers, SESSION_COOKIE);
}
