/**
 * Secrets in logs and error tracking. A password-reset link is a bearer
 * credential for an hour: whoever reads it sets the account's password. The
 * request log already writes such paths as their pattern; an error on the
 * same page must not write (or store for the ops console) the live token.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { issueResetToken } from "@/core/auth/password_reset.ts";
import { captureLog, Visitor } from "./helpers.ts";

Deno.test("a server error on a reset link keeps the token out of logs, error reports and the ops console", async () => {
  await using t = await openTestApp();
  const victim = await signIn(t, "victim_admin", "ADMIN");
  const moderator = await signIn(t, "nosy_moderator", "MODERATOR");
  const token = await issueResetToken(t.services, victim.id);
  const visitor = await new Visitor(t).start();

  // A transient failure of Deno KV (the rate-limit counter) while the link is used.
  const kv = t.services.kv;
  const realGet = kv.get.bind(kv);
  (kv as { get: unknown }).get = (key: Deno.KvKey, ...rest: unknown[]) => {
    if (key[0] === "rate") return Promise.reject(new Error("kv unavailable"));
    return (realGet as (...a: unknown[]) => unknown)(key, ...rest);
  };
  const log = captureLog();
  let status: number;
  try {
    const res = await visitor.postForm(`/password-reset/${token}`, {
      password: "NewSecret123",
      passwordRepeat: "NewSecret123",
    });
    await res.body?.cancel();
    status = res.status;
    // Error tracking stores the report after the answer went out.
    for (let i = 0; i < 50; i++) {
      const n = await t.services.db.selectFrom("error_reports").select("id").execute();
      if (n.length) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    log.stop();
    (kv as { get: unknown }).get = realGet;
  }
  assertEquals(status, 500, "the failure is a server error");

  assert(!log.text().includes(token), "the reset token is written to the log");

  const reports = await t.services.db.selectFrom("error_reports").select(["url", "context"])
    .execute();
  assert(reports.length > 0, "the error was tracked");
  for (const r of reports) {
    assert(!(r.url ?? "").includes(token), `an error report stores the token: ${r.url}`);
    assert(!JSON.stringify(r.context).includes(token), "the report's context holds the token");
  }

  // A moderator (read-only ops) must not be able to read the link of an admin's reset.
  const groups = await t.services.db.selectFrom("error_groups").select("id").execute();
  for (const g of groups) {
    const page = await (await moderator.fetch(`/ops/errors/${g.id}`)).text();
    assert(!page.includes(token), "the ops console shows a live reset token to a moderator");
  }
});
