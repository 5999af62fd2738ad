/**
 * `GET /api/v1/profile` → `{profile}`: the signed-in user's own profile.
 * `PATCH /api/v1/profile` `{fullName?, about?, birthDate?, telegram?,
 * instagram?, website?, isPublic?}` → `{profile}` (null or "" clears a
 * field; contacts come back normalised, e.g. "@name"). Only one's own:
 * there is no way to name another user here.
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { ownProfile, profileJson, updateProfile } from "@/core/profile.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const profile = await ownProfile(ctx.state.services, ctx.state.user);
    return Response.json({ profile: profileJson(profile) }, {
      headers: { "cache-control": "no-store" },
    });
  },
  async PATCH(ctx) {
    const body = await readJson(ctx);
    const profile = await updateProfile(ctx.state.services, ctx.state.user, body);
    return Response.json({ profile: profileJson(profile) });
  },
});
