/** Liveness: the process answers. No database call, so it stays cheap for load balancers. */
import { define } from "@/define.ts";

export const handler = define.handlers({
  GET(ctx) {
    const { services } = ctx.state;
    return Response.json({
      status: "ok",
      release: services.config.release,
      uptimeSec: Math.round((Date.now() - services.startedAt.getTime()) / 1000),
    }, { headers: { "cache-control": "no-store" } });
  },
});
