/**
 * `GET /api/v1/openapi.json` → the OpenAPI 3.1 document of `/api/v1`, built
 * from the routes' own `openapi` exports (http/openapi.ts). Public, and
 * readable from any origin (code generators, API explorers).
 */
import { z } from "zod";
import { define } from "@/define.ts";
import type { ApiDoc } from "@/http/api_doc.ts";

export const handler = define.handlers({
  GET(ctx) {
    return Response.json(ctx.state.openApi(), {
      headers: {
        "access-control-allow-origin": "*",
        "cache-control": "public, max-age=300",
      },
    });
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "This document (OpenAPI 3.1)",
    tags: ["meta"],
    auth: "none",
    responses: {
      200: {
        description: "The OpenAPI document",
        schema: z.object({ openapi: z.string(), info: z.object({}).passthrough() }).passthrough(),
      },
    },
  },
};
