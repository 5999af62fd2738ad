/**
 * `GET /api/v1/videos/<id>/master.m3u8?t=<master token>`: the master playlist
 * rewritten for this viewer (core/video/playback.ts); refusals are JSON errors.
 */
import { define } from "@/define.ts";
import { masterPlaylist } from "@/core/video/playback.ts";
import { playlistResponse } from "./(_lib)/responses.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const s = ctx.state.services;
    const token = ctx.url.searchParams.get("t");
    return playlistResponse(await masterPlaylist(s, ctx.state.user, ctx.params.id, token));
  },
});
