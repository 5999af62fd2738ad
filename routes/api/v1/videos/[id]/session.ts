/**
 * `POST /api/v1/videos/<id>/session` → `{ url, expiresAt }`: a fresh master
 * playlist URL signed for the signed-in viewer (the player asks on play and
 * again before the last one expires). CSRF header as for every API write.
 */
import { define } from "@/define.ts";
import { startPlayback } from "@/core/video/playback.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const r = await startPlayback(ctx.state.services, ctx.state.user, ctx.params.id);
    return Response.json(r, { headers: { "cache-control": "no-store" } });
  },
});
