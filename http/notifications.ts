/**
 * Notifications' request middleware (goes in routes/_middleware.ts right
 * after the session middleware):
 *
 * - Fills `ctx.state.unreadNotifications` (the header's bell) for signed-in
 *   users on page requests. The count comes from core's per-user cache (a
 *   few seconds; dropped when notifications are added or read), so most
 *   pages cost no query. API calls, client chunks and static files are
 *   skipped: they render no header. For trainers and staff it also fills
 *   `ctx.state.pendingExams` (the studio link's badge, a briefly cached COUNT).
 * - Gives /sw.js a worker Content-Security-Policy. A CSP sent with a worker
 *   script governs the worker, and the default one for non-HTML responses
 *   (`default-src 'none'`) would block the notification icon. Set here,
 *   before the security headers run, it is kept as it is.
 */
import type { Context } from "@/framework/mod.ts";
import type { State } from "@/define.ts";
import { unreadCount } from "@/core/notifications.ts";
import { pendingExamCount } from "@/core/studio/pending.ts";
import { log } from "@/platform/log.ts";
import type { SessionUser } from "@/core/auth/session_user.ts";

export const SERVICE_WORKER_PATH = "/sw.js";
export const SERVICE_WORKER_CSP = "default-src 'self'; object-src 'none'; base-uri 'none'";

function rendersPage(ctx: Context<State>): boolean {
  const m = ctx.req.method;
  if (m !== "GET" && m !== "HEAD" && m !== "POST") return false;
  const p = ctx.path;
  if (p.startsWith("/api/") || p.startsWith("/_fresh/") || p.startsWith("/media/")) return false;
  // Static files (/styles.css, /sw.js) have an extension in their last segment.
  return !p.slice(p.lastIndexOf("/") + 1).includes(".");
}

export function notificationsMiddleware(ctx: Context<State>): Response | Promise<Response> {
  if (ctx.path === SERVICE_WORKER_PATH) return serviceWorker(ctx);
  const user = ctx.state.user;
  // Visitors, API calls and assets: straight on, without a promise of our own.
  if (!user || !rendersPage(ctx)) return ctx.next();
  return withBell(ctx, user);
}

async function serviceWorker(ctx: Context<State>): Promise<Response> {
  const res = await ctx.next();
  if (res.ok || res.status === 304) {
    res.headers.set("content-security-policy", SERVICE_WORKER_CSP);
    // A new worker version should reach browsers on their next check.
    res.headers.set("cache-control", "no-cache");
  }
  return res;
}

async function withBell(ctx: Context<State>, user: SessionUser): Promise<Response> {
  try {
    ctx.state.unreadNotifications = await unreadCount(ctx.state.services, user.id);
    ctx.state.pendingExams = await pendingExamCount(ctx.state.services, user) ?? undefined;
  } catch (err) {
    // The bell is decoration: a failed count must not take the page down.
    log.warn("unread count failed", { err });
  }
  return await ctx.next();
}
