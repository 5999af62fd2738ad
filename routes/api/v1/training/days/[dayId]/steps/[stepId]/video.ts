/**
 * `POST /api/v1/training/days/<dayOnCourseId>/steps/<stepOnDayId>/video`
 * (`X-CSRF-Token`): the exam's video report (MP4, MOV or WebM by its bytes,
 * ≤ 100 MB) as the raw body — the exam island sends it with XHR for the
 * progress events — or as the multipart field `video`. 200 `{ key, size, contentType, url }`; send
 * `key` as `videoKey` with the answers. Refused: 415 `not_video`, 413
 * `too_large`, 400 `required`/`malformed` (`{ error, message, fields }`),
 * 409 no video asked or exam already approved, 404 no such step on that day or a course the learner may not see.
 */
import { define } from "@/define.ts";
import { requireUser } from "@/core/auth/guards.ts";
import { uploadExamVideo } from "@/core/training/exam_video.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, uploadedExamVideoSchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const user = requireUser(ctx.state.user);
    const video = await uploadExamVideo(ctx.state.services, user, {
      dayOnCourseId: ctx.params.dayId,
      stepOnDayId: ctx.params.stepId,
    }, ctx.req);
    return Response.json(video, { headers: { "cache-control": "no-store" } });
  },
});

export const openapi: ApiDoc = {
  POST: {
    summary: "Upload the exam's video answer (then send its key with the answers)",
    tags: ["training"],
    auth: "user",
    params: z.object({ dayId: z.string(), stepId: z.string() }),
    bodyType: "multipart",
    body: z.object({
      video: z.string().describe("MP4, MOV or WebM, at most 100 MB; or send it as the raw body"),
    }),
    responses: {
      200: { description: "Stored; `key` goes with the answers", schema: uploadedExamVideoSchema },
      ...errorResponses(400, 401, 403, 404, 409, 413, 415),
    },
  },
};
