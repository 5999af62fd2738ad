/**
 * The middlewares that change the final response (request id and access
 * line, security headers, the CSRF pre-session cookie) do it through
 * `ctx.onResponse`, so an answer made after a root middleware failed is
 * treated like any other.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { configureLog } from "@/platform/log.ts";
import { sql } from "kysely";

Deno.test("a root middleware's failure (the session lookup) still gets the security headers, a request id and its access line", async () => {
  await using t = await openTestApp({ LOG_REQUESTS: "true" });
  const session = await signIn(t, "hooked");
  const lines: Record<string, unknown>[] = [];
  configureLog({ level: "info", sink: (line) => lines.push(JSON.parse(line)) });
  try {
    // Every signed-in request looks its user up: without the table, that throws.
    await sql`DROP TABLE users CASCADE`.execute(t.services.db);
    const res = await session.fetch("/profile");
    assertEquals(res.status, 500);
    await res.body?.cancel();
    assert(res.headers.get("content-security-policy"), "a CSP on the error page");
    assertEquals(res.headers.get("x-content-type-options"), "nosniff");
    assertEquals(res.headers.get("x-frame-options"), "DENY");
    const id = res.headers.get("x-request-id");
    assert(id, "a request id");
    const access = lines.filter((l) => l.msg === "request" && l.requestId === id);
    assertEquals(access.map((l) => [l.path, l.status]), [["/profile", 500]]);
  } finally {
    configureLog({ level: "error", sink: null });
  }
});

Deno.test("response hooks run after the handler's own headers: the access line has the final status, the CSRF cookie is set once", async () => {
  await using t = await openTestApp({ LOG_REQUESTS: "true" });
  const lines: Record<string, unknown>[] = [];
  configureLog({ level: "info", sink: (line) => lines.push(JSON.parse(line)) });
  try {
    // A visitor's first form page binds a new pre-session cookie.
    const res = await t.fetch("/login");
    assertEquals(res.status, 200);
    await res.body?.cancel();
    const cookies = res.headers.getSetCookie().filter((c) => c.startsWith("gafus_pre="));
    assertEquals(cookies.length, 1);
    const id = res.headers.get("x-request-id");
    const access = lines.filter((l) => l.msg === "request" && l.requestId === id);
    assertEquals(access.map((l) => [l.route, l.status]), [["/login", 200]]);
    assertEquals(res.headers.get("content-type")?.startsWith("text/html"), true);
    assert(res.headers.get("content-security-policy")?.includes("'nonce-"), "the page's nonce CSP");
  } finally {
    configureLog({ level: "error", sink: null });
  }
});
