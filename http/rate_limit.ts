/**
 * Rate limits at the HTTP edge: who the client is. The counting is
 * `core/rate_limit.ts`; a refusal is a `RateLimitedError`, which
 * http/errors.ts answers (429 with `Retry-After`, in the user's language).
 */
import type { Context } from "@/framework/mod.ts";
import type { State } from "@/define.ts";
import { enforce, type RateRule } from "@/core/rate_limit.ts";
import type { RequestMeta } from "@/core/auth/register.ts";

/**
 * The client's IP: the socket peer, or — only behind a proxy we trust
 * (`TRUST_PROXY=true`) — the last address of `X-Forwarded-For`, the one our
 * proxy appended. Earlier entries are whatever the client sent and prove nothing.
 */
export function clientIp(ctx: Context<State>): string {
  if (ctx.state.services.config.trustProxy) {
    const last = ctx.req.headers.get("x-forwarded-for")?.split(",").pop()?.trim();
    if (last && last.length <= 64) return last;
  }
  return ctx.remoteAddr || "unknown";
}

/** IP and user agent, as core/ records them (consents) and limits by them. */
export function requestMeta(ctx: Context<State>): RequestMeta {
  return { ip: clientIp(ctx), userAgent: ctx.req.headers.get("user-agent") };
}

/** Counts one attempt of this client's IP under `rule`; throws `RateLimitedError` over it. */
export async function limitByIp(ctx: Context<State>, rule: RateRule): Promise<void> {
  await enforce(ctx.state.services.kv, rule, clientIp(ctx));
}
