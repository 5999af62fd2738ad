/**
 * `GET /api/v1/videos/<id>/image/poster|thumb`: the video's poster or list
 * thumbnail, for whoever may watch the video (owner and staff too). Not
 * found and not allowed look the same.
 */
import { define, type State } from "@/define.ts";
import type { Context } from "@/framework/mod.ts";
import { videoImageKey } from "@/core/video/playback.ts";
import { serveObject } from "@/core/storage/serve.ts";
import { NotFoundError } from "@/core/auth/guards.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses } from "@/http/api_schemas.ts";

async function serve(ctx: Context<State>): Promise<Response> {
  const kind = ctx.params.kind;
  if (kind !== "poster" && kind !== "thumb") throw new NotFoundError("no such image");
  const s = ctx.state.services;
  const key = await videoImageKey(s, ctx.state.user, ctx.params.id, kind);
  const res = await serveObject(s.storage, key, ctx.req);
  if (!res) throw new NotFoundError("image not found");
  return res;
}

export const handler = define.handlers({ GET: serve, HEAD: serve });

export const openapi: ApiDoc = {
  GET: {
    summary: "A video's poster or list thumbnail",
    description: "For whoever may watch the video: visitors too, for a public course's video.",
    tags: ["videos"],
    auth: "optional",
    params: z.object({ id: z.string(), kind: z.enum(["poster", "thumb"]) }),
    responses: {
      200: { description: "The image", contentType: "image/*" },
      304: { description: "Not modified" },
      ...errorResponses(404),
    },
  },
};
