/**
 * Prometheus metrics. Readable with `Authorization: Bearer $METRICS_TOKEN`
 * or by a signed-in ADMIN (decided in core/ops.ts); 401 otherwise, with no
 * hint which part was wrong.
 */
import { define } from "@/define.ts";
import { renderMetrics } from "@/core/ops.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const { services, user } = ctx.state;
    // Refused: MetricsAccessError, 401 with `WWW-Authenticate` (http/errors.ts).
    const text = await renderMetrics(services, {
      user,
      authorization: ctx.req.headers.get("authorization"),
    });
    return new Response(text, {
      headers: {
        "content-type": "text/plain; version=0.0.4; charset=utf-8",
        "cache-control": "no-store",
      },
    });
  },
});
