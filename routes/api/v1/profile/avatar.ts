/**
 * `PUT /api/v1/profile/avatar`: the signed-in user's avatar, as the raw
 * image body or multipart field `avatar` (JPEG, PNG or WebP by its bytes,
 * ≤ 10 MB) → `{profile}`; the old file is deleted. `DELETE` removes it.
 */
import { define } from "@/define.ts";
import { jsonError } from "@/http/errors.ts";
import { profileJson, removeAvatar, replaceAvatar } from "@/core/profile.ts";
import { uploadFailure } from "@/core/uploads.ts";

export const handler = define.handlers({
  async PUT(ctx) {
    const { t, services } = ctx.state;
    try {
      const profile = await replaceAvatar(services, ctx.state.user, ctx.req);
      return Response.json({ profile: profileJson(profile) });
    } catch (err) {
      const failure = uploadFailure(err, t, "avatar");
      if (!failure) throw err;
      return jsonError(failure.status, failure.error, failure.errors.avatar, failure.errors);
    }
  },
  async DELETE(ctx) {
    const profile = await removeAvatar(ctx.state.services, ctx.state.user);
    return Response.json({ profile: profileJson(profile) });
  },
});
