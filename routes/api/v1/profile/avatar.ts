/**
 * `PUT /api/v1/profile/avatar`: the signed-in user's avatar, as the raw
 * image body or multipart field `avatar` (JPEG, PNG or WebP by its bytes,
 * ≤ 10 MB) → `{profile}`; the old file is deleted. `DELETE` removes it.
 */
import { define } from "@/define.ts";
import { profileJson, removeAvatar, replaceAvatar } from "@/core/profile.ts";

export const handler = define.handlers({
  async PUT(ctx) {
    const profile = await replaceAvatar(ctx.state.services, ctx.state.user, ctx.req);
    return Response.json({ profile: profileJson(profile) });
  },
  async DELETE(ctx) {
    const profile = await removeAvatar(ctx.state.services, ctx.state.user);
    return Response.json({ profile: profileJson(profile) });
  },
});
