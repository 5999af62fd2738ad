/**
 * `POST /api/v1/videos/<id>/progress` with `{ "position": seconds }` → the
 * saved position. The player sends it every few seconds with `fetch` (CSRF
 * header) and on leaving with `navigator.sendBeacon`, which cannot set
 * headers: its URL carries `_csrf` and its body is the same JSON as text.
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { saveVideoProgress } from "@/core/video/playback.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const s = ctx.state.services;
    const r = await saveVideoProgress(s, ctx.state.user, ctx.params.id, await readJson(ctx, 1024));
    return Response.json(r, { headers: { "cache-control": "no-store" } });
  },
});
