/**
 * `GET /api/v1/users/username-available?u=name` → `{username, available,
 * current}` for the live check in settings. Signed-in users only (401),
 * bad format → 400 with `fields.u`, over the limit → 429.
 */
import { define } from "@/define.ts";
import { usernameAvailability } from "@/core/auth/account.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const result = await usernameAvailability(ctx.state.services, ctx.state.user, {
      u: ctx.url.searchParams.get("u") ?? "",
    });
    return Response.json(result, { headers: { "cache-control": "no-store" } });
  },
});
