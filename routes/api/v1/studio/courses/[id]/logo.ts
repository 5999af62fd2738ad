/**
 * `POST /api/v1/studio/courses/<id>/logo`: the course's logo from multipart
 * field `logo` or the raw image body → `{logo}`; the old file is deleted.
 * `DELETE` removes it. Refusals are JSON through `mapError`.
 */
import { define } from "@/define.ts";
import { courseLogoJson, removeCourseLogo, uploadCourseLogo } from "@/core/studio/media.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const logo = await uploadCourseLogo(
      ctx.state.services,
      ctx.state.user,
      ctx.params.id,
      ctx.req,
    );
    return Response.json({ logo: courseLogoJson(logo) });
  },
  async DELETE(ctx) {
    const logo = await removeCourseLogo(ctx.state.services, ctx.state.user, ctx.params.id);
    return Response.json({ logo: courseLogoJson(logo) });
  },
});
