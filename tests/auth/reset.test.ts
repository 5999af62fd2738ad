import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { FormClient, loginThroughForm, makeUser, PASSWORD, text } from "./helpers.ts";
import { configureLog } from "@/platform/log.ts";
import {
  issueResetToken,
  resetPasswordWithToken,
  ResetTokenError,
  settleResetRequests,
} from "@/core/auth/password_reset.ts";
import { sha256Hex } from "@/platform/encoding.ts";
import { assertRejects } from "../helpers/assert.ts";

async function tokensOf(t: TestApp, userId: string) {
  return await t.services.db.selectFrom("password_reset_tokens").selectAll()
    .where("user_id", "=", userId).execute();
}

Deno.test("asking for a reset answers the same for known and unknown accounts; the log has no token", async () => {
  await using t = await openTestApp();
  const id = await makeUser(t, "forgetful", { email: "forgetful@example.ru" });
  const lines: string[] = [];
  configureLog({ level: "info", sink: (line) => lines.push(line) });
  try {
    const known = await new FormClient(t).submit("/password-reset", "/password-reset", {
      login: "Forgetful@Example.ru",
    });
    const unknown = await new FormClient(t).submit("/password-reset", "/password-reset", {
      login: "nobody_at_all",
    });
    for (const r of [known, unknown]) {
      assertEquals(r.status, 303);
      assertEquals(r.headers.get("location"), "/password-reset?sent=1");
    }
    // The link is issued after the answer (so timing does not tell either).
    await settleResetRequests();
  } finally {
    configureLog({ level: "error", sink: null });
  }
  const sent = await new FormClient(t).page("/password-reset?sent=1");
  assertStringIncludes(text(sent.html), "Если такая учётная запись есть, ссылка уже отправлена");

  const rows = await tokensOf(t, id);
  assertEquals(rows.length, 1, "one token for the known account");
  const issued = lines.map((l) => JSON.parse(l)).filter((l) =>
    l.msg === "password reset link issued"
  );
  assertEquals(issued.length, 1);
  assertEquals(issued[0].userId, id);
  // The stored hash must not be reversible into anything that appears in logs.
  const all = lines.join("\n");
  assert(!/password-reset\/[A-Za-z0-9_-]{43}/.test(all), "no reset link in the log");
  assert(!all.includes(rows[0].token_hash), "not even the hash");
  assertEquals(rows[0].expires_at.getTime() - rows[0].created_at.getTime() > 59 * 60_000, true);

  const empty = await new FormClient(t).submit("/password-reset", "/password-reset", { login: "" });
  assertEquals(empty.status, 422);
  assertStringIncludes(text(await empty.text()), "Заполните это поле");
});

Deno.test("a reset link works once: new password, old sessions revoked, signed in", async () => {
  await using t = await openTestApp();
  const id = await makeUser(t, "resetme");
  const oldDevice = new FormClient(t);
  await loginThroughForm(oldDevice, "resetme");
  const token = await issueResetToken(t.services, id);
  const other = await issueResetToken(t.services, id);
  // Only a hash is stored.
  const stored = (await tokensOf(t, id)).map((r) => r.token_hash);
  assert(!stored.includes(token));
  assert(stored.includes(await sha256Hex(token)));

  const c = new FormClient(t);
  const form = await c.page(`/password-reset/${token}`);
  assertEquals(form.res.status, 200);
  assertStringIncludes(form.html, "Новый пароль");

  const mismatch = await c.post(`/password-reset/${token}`, {
    password: "Better12345",
    passwordRepeat: "Better1234",
  }, { csrf: form.csrf });
  assertEquals(mismatch.status, 422);
  assertStringIncludes(text(await mismatch.text()), "Пароли не совпадают");

  const res = await c.post(`/password-reset/${token}`, {
    password: "Better12345",
    passwordRepeat: "Better12345",
  }, { csrf: form.csrf });
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("location"), "/settings?done=reset");
  assert(c.signedIn(), "the reset signs this browser in");
  assertEquals((await c.fetch("/settings?done=reset")).status, 200);
  assertEquals((await oldDevice.fetch("/settings")).status, 303, "old sessions are revoked");
  assertEquals((await loginThroughForm(new FormClient(t), "resetme", "Better12345")).status, 303);
  assertEquals((await loginThroughForm(new FormClient(t), "resetme", PASSWORD)).status, 401);

  // Used: the same link again, and the account's other open link, are dead.
  for (const tok of [token, other]) {
    const again = await new FormClient(t).page(`/password-reset/${tok}`);
    assertEquals(again.res.status, 410);
    assertStringIncludes(text(again.html), "По этой ссылке пароль уже сменили");
  }
  const replay = new FormClient(t);
  const { csrf } = await replay.page("/password-reset");
  const post = await replay.post(`/password-reset/${token}`, {
    password: "Hacker12345",
    passwordRepeat: "Hacker12345",
  }, { csrf });
  assertEquals(post.status, 410);
  assert(!replay.signedIn());
  await assertRejects(
    () =>
      resetPasswordWithToken(t.services, token, {
        password: "Hacker12345",
        passwordRepeat: "Hacker12345",
      }, { ip: "127.0.0.1" }),
    ResetTokenError,
    "used",
  );
});

Deno.test("an expired or unknown reset link says so and changes nothing", async () => {
  await using t = await openTestApp();
  const id = await makeUser(t, "latecomer");
  const token = await issueResetToken(t.services, id);
  await t.services.db.updateTable("password_reset_tokens")
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where("user_id", "=", id).execute();
  const c = new FormClient(t);
  const page = await c.page(`/password-reset/${token}`);
  assertEquals(page.res.status, 410);
  assertStringIncludes(text(page.html), "Срок действия ссылки истёк");
  assertStringIncludes(page.html, 'href="/password-reset"');
  const post = await c.post(`/password-reset/${token}`, {
    password: "Later12345",
    passwordRepeat: "Later12345",
  }, { csrf: page.csrf || (await c.page("/password-reset")).csrf });
  assertEquals(post.status, 410);
  assertEquals((await loginThroughForm(new FormClient(t), "latecomer")).status, 303);

  // Fake time works too: a fresh token is expired an hour and a second later.
  const fresh = await issueResetToken(t.services, id);
  await assertRejects(
    () =>
      resetPasswordWithToken(
        t.services,
        fresh,
        { password: "Later12345", passwordRepeat: "Later12345" },
        { ip: "127.0.0.1" },
        new Date(Date.now() + 3601_000),
      ),
    ResetTokenError,
    "expired",
  );

  for (const bogus of ["nope", "A".repeat(43), "x".repeat(300)]) {
    const r = await new FormClient(t).page(`/password-reset/${bogus}`);
    assertEquals(r.res.status, 410, bogus);
    assertStringIncludes(text(r.html), "Такой ссылки нет");
  }
});

Deno.test("a disabled account gets no reset link", async () => {
  await using t = await openTestApp();
  const id = await makeUser(t, "frozen");
  await t.services.db.updateTable("users").set({ disabled_at: new Date() }).where("id", "=", id)
    .execute();
  const r = await new FormClient(t).submit("/password-reset", "/password-reset", {
    login: "frozen",
  });
  assertEquals(r.status, 303);
  await settleResetRequests();
  assertEquals((await tokensOf(t, id)).length, 0);
  // A link issued before the account was disabled does not work either.
  await t.services.db.updateTable("users").set({ disabled_at: null }).where("id", "=", id)
    .execute();
  const token = await issueResetToken(t.services, id);
  await t.services.db.updateTable("users").set({ disabled_at: new Date() }).where("id", "=", id)
    .execute();
  assertEquals((await new FormClient(t).page(`/password-reset/${token}`)).res.status, 410);
  assertMatch(token, /^[A-Za-z0-9_-]{43}$/);
});
