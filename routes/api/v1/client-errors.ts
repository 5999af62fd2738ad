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
import { clientIp } from "@/http/rate_limit.ts";
import { readJson } from "@/http/forms.ts";
import { jsonError } from "@/http/errors.ts";
import { enforce } from "@/core/rate_limit.ts";
import {
  CLIENT_ERROR_MAX_BYTES,
  CLIENT_ERROR_RULE,
  clientErrorSchema,
  reportClientError,
} from "@/core/error_tracking.ts";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses } from "@/http/api_schemas.ts";

const NO_STORE = { "cache-control": "no-store" };

export const handler = define.handlers({
  async POST(ctx) {
    const { t, services } = ctx.state;
    const origin = ctx.req.headers.get("origin");
    const site = ctx.req.headers.get("sec-fetch-site");
    // A browser always sends one of them on a beacon; without either it is not our page.
    if ((!origin && !site) || !sameSiteRequest(ctx)) {
      return jsonError(403, "cross_site", t("error.403.text"), undefined, NO_STORE);
    }
    await enforce(services.kv, CLIENT_ERROR_RULE, clientIp(ctx));
    const body = await readJson(ctx, CLIENT_ERROR_MAX_BYTES);
    // A malformed report throws a ZodError: 400 with field messages (http/errors.ts).
    await reportClientError(services, body, {
      userAgent: ctx.req.headers.get("user-agent"),
      userId: ctx.state.user?.id ?? null,
      requestId: ctx.state.requestId,
    });
    return new Response(null, { status: 204, headers: NO_STORE });
  },
});

export const openapi: ApiDoc = {
  POST: {
    summary: "Report a browser error (sent by the pages' own script)",
    description: "Same-site only (Origin / Sec-Fetch-Site); no CSRF token; at most 16 KB.",
    tags: ["ops"],
    auth: "none",
    body: clientErrorSchema,
    responses: { 204: { description: "Stored" }, ...errorResponses(400, 403, 413, 429) },
  },
};
