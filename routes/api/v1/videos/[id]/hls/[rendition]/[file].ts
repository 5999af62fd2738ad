/**
 * `GET /api/v1/videos/<id>/hls/<rendition>/<file>?t=<token>`: a rendition's
 * playlist (rewritten with tokens) or one of its encrypted segments. Segments
 * stream from local storage with byte ranges, or redirect to a presigned S3
 * URL, so large files never pass through the app when they need not.
 */
import { define, type State } from "@/define.ts";
import type { Context } from "@/framework/mod.ts";
import { hlsFile } from "@/core/video/playback.ts";
import { serveObject } from "@/core/storage/serve.ts";
import { NotFoundError } from "@/core/auth/guards.ts";
import { playlistResponse } from "../../(_lib)/responses.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses } from "@/http/api_schemas.ts";

/** Long enough to start the download; the token in our URL is what really expires. */
const PRESIGN_TTL_SEC = 120;

async function serve(ctx: Context<State>): Promise<Response> {
  const s = ctx.state.services;
  const { id, rendition, file } = ctx.params;
  const got = await hlsFile(s, ctx.state.user, id, rendition, file, ctx.url.searchParams.get("t"));
  if ("playlist" in got) return playlistResponse(got.playlist);
  if (s.storage.presignGet) {
    return new Response(null, {
      status: 302,
      headers: {
        location: await s.storage.presignGet(got.segmentKey, PRESIGN_TTL_SEC),
        "cache-control": "private, no-store",
      },
    });
  }
  // Segments are encrypted and immutable: the browser may keep them for a while.
  const res = await serveObject(s.storage, got.segmentKey, ctx.req, {
    cacheControl: "private, max-age=3600",
  });
  if (!res) throw new NotFoundError("segment not found");
  return res;
}

export const handler = define.handlers({ GET: serve, HEAD: serve });

export const openapi: ApiDoc = {
  GET: {
    summary: "A rendition's playlist (rewritten with tokens) or one encrypted segment",
    tags: ["videos"],
    auth: "user",
    params: z.object({ id: z.string(), rendition: z.string(), file: z.string() }),
    query: z.object({ t: z.string().describe("The signed token from the playlist") }),
    responses: {
      200: {
        description: "The playlist or the segment",
        contentType: "application/vnd.apple.mpegurl",
      },
      206: { description: "Part of a segment (Range)", contentType: "video/mp2t" },
      302: { description: "The segment at a presigned storage URL" },
      ...errorResponses(401, 403, 404, 409),
    },
  },
};
