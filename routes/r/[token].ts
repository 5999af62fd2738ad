/**
 * `/r/<token>`: the tracked link of a campaign message. Records the first
 * click and redirects (303) to the stored target, a path on this site; the
 * link itself names no target, and an unknown token leads home. Link
 * previews (HEAD, crawlers such as Telegram's) are redirected without
 * counting as a click.
 */
import { define } from "@/define.ts";
import { redirect } from "@/http/responses.ts";
import { safeNext } from "@/http/redirect.ts";
import { followClick } from "@/core/reengagement/links.ts";

const PREVIEW = /bot|crawler|spider|preview|facebookexternalhit|slurp/i;
const HEADERS = { "cache-control": "no-store", "referrer-policy": "no-referrer" };

export const handler = define.handlers({
  async GET(ctx) {
    const ua = ctx.req.headers.get("user-agent") ?? "";
    const target = await followClick(ctx.state.services, ctx.params.token, {
      track: !PREVIEW.test(ua),
    });
    return redirect(safeNext(target), 303, HEADERS);
  },
  async HEAD(ctx) {
    const target = await followClick(ctx.state.services, ctx.params.token, { track: false });
    return redirect(safeNext(target), 303, HEADERS);
  },
});
