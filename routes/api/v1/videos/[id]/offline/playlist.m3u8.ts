/**
 * `GET /api/v1/videos/<id>/offline/playlist.m3u8`: the lowest rendition's
 * playlist for a kept course (core/video/offline.ts). Its segment and key
 * URIs are stable (no token): the session and the viewer's access are
 * checked on every request instead. The browser stores it in the course's
 * own cache; no other cache may.
 */
import { define } from "@/define.ts";
import { offlinePlaylist } from "@/core/video/offline.ts";
import { playlistResponse } from "../(_lib)/responses.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async GET(ctx) {
    return playlistResponse(
      await offlinePlaylist(ctx.state.services, ctx.state.user, ctx.params.id),
    );
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "The video's lowest rendition for keeping offline, with stable URIs",
    description: "For whoever may watch the video now (checked on every request). The segment " +
      "and key URIs inside need the same session and access.",
    tags: ["videos", "offline"],
    auth: "user",
    params: z.object({ id: z.string() }),
    responses: {
      200: { description: "The playlist", contentType: "application/vnd.apple.mpegurl" },
      ...errorResponses(401, 404, 409),
    },
  },
};
