/**
 * `GET /api/v1/users/username-available?u=name` → `{username, available,
 * current}` for the live check in settings. Signed-in users only (401),
 * bad format → 400 with `fields.u`, over the limit → 429.
 */
import { define } from "@/define.ts";
import { rateLimitedJson } from "@/http/rate_limit.ts";
import { usernameAvailability } from "@/core/auth/account.ts";
import { RateLimitedError } from "@/core/rate_limit.ts";

export const handler = define.handlers({
  async GET(ctx) {
    try {
      const result = await usernameAvailability(ctx.state.services, ctx.state.user, {
        u: ctx.url.searchParams.get("u") ?? "",
      });
      return Response.json(result, { headers: { "cache-control": "no-store" } });
    } catch (err) {
      if (err instanceof RateLimitedError) return rateLimitedJson(ctx, err);
      throw err;
    }
  },
});
