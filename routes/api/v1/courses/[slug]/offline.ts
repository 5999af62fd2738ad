/**
 * `GET /api/v1/courses/:slug/offline` — what "keep this course offline"
 * downloads for the caller: `{ slug, name, version, files: [{ url, kind,
 * size }], totalBytes, skippedVideos }` (core/offline/bundle.ts). Needs a
 * session (401); a course the caller may not see is a 404. `?version` only
 * → `{ slug, version }`, the cheap check a kept copy makes on each visit.
 */
import { define } from "@/define.ts";
import { offlineBundle } from "@/core/offline/bundle.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const b = await offlineBundle(
      ctx.state.services,
      ctx.params.slug,
      ctx.state.user,
      ctx.state.locale,
    );
    const body = ctx.url.searchParams.has("version") ? { slug: b.slug, version: b.version } : b;
    return Response.json(body, { headers: { "cache-control": "private, no-store" } });
  },
});
