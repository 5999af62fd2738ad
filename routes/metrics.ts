/**
 * Prometheus metrics. Readable with `Authorization: Bearer $METRICS_TOKEN`
 * (compared in constant time) or by a signed-in ADMIN; 401 otherwise (no
 * body worth scraping, no hint which part was wrong).
 */
import { define } from "../define.ts";
import { renderMetrics } from "../core/ops.ts";
import { timingSafeEqual } from "node:crypto";

const enc = new TextEncoder();

/** Constant time for equal lengths; compares digests so the length does not leak either. */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([
    crypto.subtle.digest("SHA-256", enc.encode(a)),
    crypto.subtle.digest("SHA-256", enc.encode(b)),
  ]);
  return timingSafeEqual(new Uint8Array(da), new Uint8Array(db));
}

async function allowed(req: Request, token: string | undefined, isAdmin: boolean) {
  if (isAdmin) return true;
  const auth = req.headers.get("authorization");
  if (!token || !auth?.startsWith("Bearer ")) return false;
  return await sameSecret(auth.slice(7).trim(), token);
}

export const handler = define.handlers({
  async GET(ctx) {
    const { services, user } = ctx.state;
    if (!await allowed(ctx.req, services.config.secrets.metricsToken, user?.role === "ADMIN")) {
      return new Response("unauthorized\n", {
        status: 401,
        headers: {
          "www-authenticate": 'Bearer realm="metrics"',
          "content-type": "text/plain; charset=utf-8",
          "cache-control": "no-store",
        },
      });
    }
    return new Response(await renderMetrics(services), {
      headers: {
        "content-type": "text/plain; version=0.0.4; charset=utf-8",
        "cache-control": "no-store",
      },
    });
  },
});
