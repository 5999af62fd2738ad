/**
 * `GET /api/v1/videos/<id>/master.m3u8?t=<master token>`: the master playlist
 * rewritten for this viewer (core/video/playback.ts); refusals are JSON errors.
 */
import { define } from "@/define.ts";
import { masterPlaylist } from "@/core/video/playback.ts";
import { playlistResponse } from "./(_lib)/responses.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const s = ctx.state.services;
    const token = ctx.url.searchParams.get("t");
    return playlistResponse(await masterPlaylist(s, ctx.state.user, ctx.params.id, token));
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "The master playlist, rewritten for this viewer",
    tags: ["videos"],
    auth: "user",
    params: z.object({ id: z.string() }),
    query: z.object({ t: z.string().describe("The master token from POST /videos/{id}/session") }),
    responses: {
      200: { description: "The playlist", contentType: "application/vnd.apple.mpegurl" },
      ...errorResponses(401, 403, 404, 409),
    },
  },
};
