/** Liveness: the process answers. No database call, so it stays cheap for load balancers. */
import { define } from "@/define.ts";

export const handler = define.handlers({
  GET(ctx) {
    const { services } = ctx.state;
    const res = Response.json({
      status: "ok",
      release: services.config.release,
      uptimeSec: Math.round((Date.now() - services.startedAt.getTime()) / 1000),
    });
    // Set here rather than in the init: a response built with several headers is
    // prepared for sending at once, and the middlewares' headers would undo that.
    res.headers.set("cache-control", "no-store");
    return res;
  },
});
