/**
 * `POST /api/v1/videos/<id>/progress` with `{ "position": seconds }` → the
 * saved position. The player sends it every few seconds with `fetch` (CSRF
 * header) and on leaving with `navigator.sendBeacon`, which cannot set
 * headers: its URL carries `_csrf` and its body is the same JSON as text.
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { progressInputSchema, saveVideoProgress } from "@/core/video/playback.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const s = ctx.state.services;
    const r = await saveVideoProgress(s, ctx.state.user, ctx.params.id, await readJson(ctx, 1024));
    return Response.json(r, { headers: { "cache-control": "no-store" } });
  },
});

export const openapi: ApiDoc = {
  POST: {
    summary: "Save where the viewer is in the video",
    tags: ["videos"],
    auth: "user",
    params: z.object({ id: z.string() }),
    body: progressInputSchema,
    responses: {
      200: {
        description: "The saved position (0 near the end)",
        schema: z.object({ position: z.number() }),
      },
      ...errorResponses(400, 401, 403, 404, 413),
    },
  },
};
