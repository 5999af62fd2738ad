/**
 * `POST /api/v1/training/steps/<userStepId>/video` (`X-CSRF-Token`): the
 * body is the exam's video report itself (MP4, MOV or WebM, ≤ 100 MB, sent
 * as is — the exam island uses XHR for its progress events). 200
 * `{ key, size, contentType, url }`; send `key` as `videoKey` with the
 * answers. 415 not a video, 413 too large, 409 no video asked or exam
 * already approved, 404 not the learner's step.
 */
import { define } from "../../../../../../define.ts";
import { requireUser } from "../../../../../../core/auth/guards.ts";
import { uploadExamVideo } from "../../../../../../core/training/exam_video.ts";
import { answer } from "../../(_lib)/respond.ts";

export const handler = define.handlers({
  POST(ctx) {
    const user = requireUser(ctx.state.user);
    return answer(ctx.state.t, async () => {
      const video = await uploadExamVideo(ctx.state.services, user, ctx.params.id, ctx.req);
      return Response.json(video, { headers: { "cache-control": "no-store" } });
    });
  },
});
