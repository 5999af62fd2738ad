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
