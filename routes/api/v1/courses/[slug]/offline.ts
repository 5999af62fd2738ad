/**
 * `GET /api/v1/courses/:slug/offline` — what "keep this course offline"
 * downloads for the caller: `{ slug, name, version, files: [{ url, kind,
 * size }], totalBytes, videos, videoBytes }` (core/offline/bundle.ts). Needs
 * a session (401); a course the caller may not see (any more) is a 404, and
 * the client then deletes its kept copy. `?version` only → `{ slug, version
 * }`, the cheap check a kept copy makes on each visit.
 */
import { z } from "zod";
import { define } from "@/define.ts";
import { offlineBundle } from "@/core/offline/bundle.ts";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses } from "@/http/api_schemas.ts";

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

const bundleFileSchema = z.object({
  url: z.string().describe("A path on this site to fetch and keep"),
  kind: z.enum(["page", "image", "pdf", "video", "key"])
    .describe("`video`: an offline playlist or segment; `key`: a video's content key"),
  size: z.number().int().min(0).describe("Bytes; an estimate for pages"),
}).strict();

export const openapi: ApiDoc = {
  GET: {
    summary: "What keeping a course offline downloads, and its version",
    description: "With `?version`, only `{ slug, version }`: the check a kept copy makes on " +
      "each visit (a new version means the course changed; a 404, that the caller lost " +
      "access and the kept copy must go).",
    tags: ["offline"],
    auth: "user",
    params: z.object({ slug: z.string() }),
    query: z.object({ version: z.string().optional().describe("Answer only the version") }),
    responses: {
      200: {
        description: "The bundle (or only its version)",
        schema: z.union([
          z.object({
            slug: z.string(),
            name: z.string(),
            version: z.string(),
            files: z.array(bundleFileSchema),
            totalBytes: z.number().int().min(0),
            videos: z.number().int().min(0)
              .describe("Trainer videos kept (lowest rendition), included in totalBytes"),
            videoBytes: z.number().int().min(0)
              .describe("Of totalBytes, the videos' playlists, segments and keys"),
          }).strict(),
          z.object({ slug: z.string(), version: z.string() }).strict(),
        ]),
      },
      ...errorResponses(401, 404),
    },
  },
};
