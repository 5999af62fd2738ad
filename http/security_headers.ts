/**
 * Security headers on every response. Scripts run only from our origin or
 * with this request's nonce (the islands boot script); frames only from the
 * video hosts steps may embed; camera and microphone are allowed for our own
 * origin because learners record exam videos in the browser.
 */
import { type Context, nonceOf } from "@/framework/mod.ts";
import type { State } from "@/define.ts";

export const EMBED_HOSTS = [
  "https://www.youtube-nocookie.com",
  "https://www.youtube.com",
  "https://rutube.ru",
  "https://vk.com",
  "https://vkvideo.ru",
  "https://player.vimeo.com",
];

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    "connect-src 'self'",
    `frame-src ${EMBED_HOSTS.join(" ")}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export function securityHeaders(ctx: Context<State>): Response | Promise<Response> {
  ctx.onResponse(applySecurityHeaders);
  return ctx.next();
}

function applySecurityHeaders(res: Response, ctx: Context<State>): Response {
  const h = res.headers;
  const type = h.get("content-type") ?? "";
  if (type.startsWith("text/html")) {
    h.set("content-security-policy", contentSecurityPolicy(nonceOf(ctx)));
  } else if (!h.has("content-security-policy")) {
    h.set("content-security-policy", API_CSP);
  }
  h.set("x-content-type-options", "nosniff");
  h.set("x-frame-options", "DENY");
  h.set("referrer-policy", "strict-origin-when-cross-origin");
  h.set("permissions-policy", "camera=(self), microphone=(self), geolocation=(), payment=()");
  if (ctx.state.services.config.production) {
    h.set("strict-transport-security", "max-age=31536000; includeSubDomains");
  }
  return res;
}
