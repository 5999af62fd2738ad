/**
 * First middleware: gives the request an id (kept from `X-Request-Id` when it
 * looks sane, so a proxy's id carries through), runs the rest inside a log
 * context, and writes one line per request with method, path, status and
 * duration. It also counts the request in the HTTP duration histogram of
 * `/metrics` (by route pattern, not path, so the series stay few).
 */
import type { Context } from "@/framework/mod.ts";
import type { State } from "@/define.ts";
import { type LogContext, logRequest, withLogContext } from "@/platform/log.ts";
import { loggedPath } from "./redact.ts";
import { randomToken } from "@/platform/encoding.ts";
import { httpRequestDuration } from "@/platform/metrics.ts";

const SANE_ID = /^[A-Za-z0-9._-]{8,64}$/;

// A random prefix per process and a counter: unique across restarts and
// cheaper than random bytes on every request.
const PREFIX = randomToken(6);
let counter = 0;

export function newRequestId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return PREFIX + "-" + counter.toString(36);
}

/** A class, not a literal, for the same reason as the request state (server.ts). */
class RequestLogContext implements LogContext {
  userId?: string = undefined;
  constructor(readonly requestId: string) {}
}

export function requestLog(ctx: Context<State>): Response | Promise<Response> {
  const incoming = ctx.req.headers.get("x-request-id");
  const requestId = incoming && SANE_ID.test(incoming) ? incoming : newRequestId();
  ctx.state.requestId = requestId;
  const start = performance.now();
  const logContext = new RequestLogContext(requestId);
  const logRequests = ctx.state.services.config.logRequests;
  // Once the response is final (error pages and the other middlewares' headers included).
  ctx.onResponse((res) => {
    res.headers.set("x-request-id", requestId);
    const ms = performance.now() - start;
    // Static files and 404s have no route: one series for all of them.
    httpRequestDuration.labels2(ctx.route ?? "-", res.status).observe(ms / 1000);
    if (logRequests) {
      const route = ctx.route;
      logRequest(
        logContext,
        ctx.req.method,
        loggedPath(ctx),
        route,
        res.status,
        Math.round(ms * 10) / 10,
      );
    }
    return res;
  });
  return withLogContext(logContext, () => ctx.next());
}
