/**
 * `GET /api/v1/push/public-key` → `{ publicKey }`: the VAPID key a browser
 * subscribes with (`applicationServerKey`). 503 when push is not configured.
 */
import { define } from "@/define.ts";
import { jsonError } from "@/http/errors.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  GET(ctx) {
    const vapid = ctx.state.services.config.secrets.vapid;
    if (!vapid) {
      return jsonError(503, "push_unavailable", ctx.state.t("push.unavailable"), undefined, {
        "cache-control": "no-store",
      });
    }
    // Short cache: a rotated key reaches browsers within minutes.
    return Response.json({ publicKey: vapid.publicKey }, {
      headers: { "cache-control": "public, max-age=300" },
    });
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "The VAPID public key browsers subscribe with",
    tags: ["push"],
    auth: "none",
    responses: {
      200: { description: "The key", schema: z.object({ publicKey: z.string() }) },
      ...errorResponses(503),
    },
  },
};
