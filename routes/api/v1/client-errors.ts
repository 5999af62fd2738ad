/**
 * Browser errors from the islands runtime (framework/client/boot.ts), sent
 * with `navigator.sendBeacon`. A beacon cannot carry a CSRF header, so this
 * path is exempt from the token (http/csrf.ts) and checks instead that the
 * request comes from our own pages (Origin / Sec-Fetch-Site). Rate-limited
 * per IP before the body is read; at most 16 KB; validated with zod.
 *
 * Answers 204 when stored, 400 malformed, 403 cross-site, 413 too large,
 * 429 flooding.
 */
import { define } from "@/define.ts";
import { sameSiteRequest } from "@/http/csrf.ts";
import { clientIp, rateLimitedJson } from "@/http/rate_limit.ts";
import { jsonError } from "@/http/errors.ts";
import { hit, RateLimitedError } from "@/core/rate_limit.ts";
import {
  CLIENT_ERROR_MAX_BYTES,
  CLIENT_ERROR_RULE,
  reportClientError,
} from "@/core/error_tracking.ts";

const NO_STORE = { "cache-control": "no-store" };

/** The body as text, refusing more than `max` bytes without reading further. */
async function readLimited(req: Request, max: number): Promise<string | null> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > max) return null;
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

export const handler = define.handlers({
  async POST(ctx) {
    const { t, services } = ctx.state;
    const origin = ctx.req.headers.get("origin");
    const site = ctx.req.headers.get("sec-fetch-site");
    // A browser always sends one of them on a beacon; without either it is not our page.
    if ((!origin && !site) || !sameSiteRequest(ctx)) {
      return jsonError(403, "cross_site", t("error.403.text"), undefined, NO_STORE);
    }
    const limit = await hit(services.kv, CLIENT_ERROR_RULE, clientIp(ctx));
    if (!limit.allowed) {
      return rateLimitedJson(
        ctx,
        new RateLimitedError(CLIENT_ERROR_RULE.name, limit.retryAfterSec),
      );
    }
    const text = await readLimited(ctx.req, CLIENT_ERROR_MAX_BYTES);
    if (text === null) {
      return jsonError(413, "too_large", t("ops.clientErrors.tooLarge"), undefined, NO_STORE);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return jsonError(400, "invalid", t("error.400.text"), undefined, NO_STORE);
    }
    // A malformed report throws a ZodError: 400 with field messages (http/errors.ts).
    await reportClientError(services, body, {
      userAgent: ctx.req.headers.get("user-agent"),
      userId: ctx.state.user?.id ?? null,
      requestId: ctx.state.requestId,
    });
    return new Response(null, { status: 204, headers: NO_STORE });
  },
});
