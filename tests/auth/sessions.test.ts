import { assert, assertEquals, assertNotEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { FormClient, loginThroughForm, makeUser, PASSWORD, text } from "./helpers.ts";
import { verifyPassword } from "@/core/auth/password.ts";
import { createSessionToken, SESSION_TTL_SEC } from "@/core/auth/session.ts";
import { SESSION_COOKIE } from "@/http/session.ts";

Deno.test("changing the password revokes every other session; this browser stays in", async () => {
  await using t = await openTestApp();
  const id = await makeUser(t, "changer");
  const phone = new FormClient(t);
  const laptop = new FormClient(t);
  assertEquals((await loginThroughForm(phone, "changer")).status, 303);
  assertEquals((await loginThroughForm(laptop, "changer")).status, 303);
  const oldCookie = laptop.cookies.get("gafus_session");

  const res = await laptop.submit("/settings", "/settings", {
    _action: "password",
    currentPassword: PASSWORD,
    password: "NewSecret456",
    passwordRepeat: "NewSecret456",
  });
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("location"), "/settings?done=password");
  assertNotEquals(laptop.cookies.get("gafus_session"), oldCookie, "a new session cookie");
  const ok = await laptop.page("/settings?done=password");
  assertEquals(ok.res.status, 200, "the browser that changed it stays signed in");
  assertStringIncludes(ok.html, "Пароль изменён");

  const stale = await phone.fetch("/settings");
  assertEquals(stale.status, 303, "the other device is now a visitor");
  assertEquals(stale.headers.get("location"), "/login?next=%2Fsettings");
  assert(!phone.signedIn(), "its dead cookie is cleared");

  const row = await t.services.db.selectFrom("users").select("password_hash")
    .where("id", "=", id).executeTakeFirstOrThrow();
  assert(await verifyPassword("NewSecret456", row.password_hash));
  assertEquals((await loginThroughForm(new FormClient(t), "changer")).status, 401);
  assertEquals((await loginThroughForm(new FormClient(t), "changer", "NewSecret456")).status, 303);
});

Deno.test("a wrong current password or a weak new one changes nothing", async () => {
  await using t = await openTestApp();
  await makeUser(t, "careful");
  const c = new FormClient(t);
  await loginThroughForm(c, "careful");
  const wrong = await c.submit("/settings", "/settings", {
    _action: "password",
    currentPassword: "NotMine123",
    password: "NewSecret456",
    passwordRepeat: "NewSecret456",
  });
  assertEquals(wrong.status, 422);
  const html = text(await wrong.text());
  assertStringIncludes(html, "Неверный текущий пароль");
  assertStringIncludes(html, 'id="password-currentPassword-error"');
  const weak = await c.submit("/settings", "/settings", {
    _action: "password",
    currentPassword: PASSWORD,
    password: "short",
    passwordRepeat: "short",
  });
  assertEquals(weak.status, 422);
  assertStringIncludes(text(await weak.text()), "От 8 до 100\u00a0символов");
  assertEquals((await loginThroughForm(new FormClient(t), "careful")).status, 303);
});

Deno.test("log out everywhere: every old cookie stops working, this browser is signed in again", async () => {
  await using t = await openTestApp();
  await makeUser(t, "traveller");
  const devices = [new FormClient(t), new FormClient(t), new FormClient(t)];
  for (const d of devices) assertEquals((await loginThroughForm(d, "traveller")).status, 303);
  const [here, ...others] = devices;
  const res = await here.submit("/settings", "/settings", { _action: "logout-all" });
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("location"), "/settings?done=logoutAll");
  const mine = await here.page("/settings?done=logoutAll");
  assertEquals(mine.res.status, 200);
  assertStringIncludes(mine.html, "Вы вышли на всех других устройствах");
  for (const d of others) {
    const r = await d.fetch("/settings");
    assertEquals(r.status, 303, "an old cookie is treated as a visitor");
    // And its API calls are unauthenticated.
    const api = await t.fetch("/api/v1/auth/session", {
      headers: { cookie: `gafus_session=${d.cookies.get("gafus_session") ?? "x"}` },
    });
    assertEquals((await api.json()).user, null);
  }
});

Deno.test("logout is POST only and needs the CSRF token", async () => {
  await using t = await openTestApp();
  await makeUser(t, "leaver");
  const c = new FormClient(t);
  await loginThroughForm(c, "leaver");
  assertEquals((await c.fetch("/logout")).status, 405);
  assertEquals((await c.post("/logout", {}, { csrf: false })).status, 403);
  assert(c.signedIn(), "a forged logout does not sign anyone out");
  assertEquals((await c.post("/logout", {})).status, 303);
  assert(!c.signedIn());
});

Deno.test("JSON API: session → login → logout", async () => {
  await using t = await openTestApp();
  await makeUser(t, "apiuser", { email: "api@example.ru" });
  const c = new FormClient(t);
  const s0 = await c.fetch("/api/v1/auth/session");
  assertEquals(s0.headers.get("cache-control"), "no-store");
  const { user: nobody, csrf: preCsrf } = await s0.json();
  assertEquals(nobody, null);
  assert(preCsrf);

  const post = (body: unknown, csrf: string) =>
    c.fetch("/api/v1/auth/login", {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
    });

  const bad = await post({ login: "", password: "" }, preCsrf);
  assertEquals(bad.status, 400);
  const badBody = await bad.json();
  assertEquals(badBody.error, "invalid");
  assertEquals(Object.keys(badBody.fields).sort(), ["login", "password"]);

  const wrong = await post({ login: "apiuser", password: "Nope12345" }, preCsrf);
  assertEquals(wrong.status, 401);
  assertEquals(await wrong.json(), {
    error: "invalid_credentials",
    message: "Неверное имя пользователя, email или пароль",
  });
  assert(!c.signedIn());

  const noCsrf = await post({ login: "apiuser", password: PASSWORD }, "");
  assertEquals(noCsrf.status, 403);
  assertEquals((await noCsrf.json()).error, "csrf");

  const ok = await post({ login: "API@example.ru", password: PASSWORD }, preCsrf);
  assertEquals(ok.status, 200);
  const body = await ok.json();
  assertEquals(body.user.username, "apiuser");
  assert(c.signedIn());
  const s1 = await (await c.fetch("/api/v1/auth/session")).json();
  assertEquals(s1.user.username, "apiuser");
  assertEquals(s1.csrf, body.csrf, "login returns the token of the new session");

  // The visitor's token no longer works once signed in.
  const stale = await c.fetch("/api/v1/auth/logout", {
    method: "POST",
    headers: { "x-csrf-token": preCsrf },
  });
  assertEquals(stale.status, 403);
  const out = await c.fetch("/api/v1/auth/logout", {
    method: "POST",
    headers: { "x-csrf-token": body.csrf },
  });
  assertEquals(out.status, 200);
  assertEquals(await out.json(), { ok: true });
  assert(!c.signedIn());
});

Deno.test("JSON API: a disabled account gets 403", async () => {
  await using t = await openTestApp();
  const id = await makeUser(t, "apiblocked");
  await t.services.db.updateTable("users").set({ disabled_at: new Date() }).where("id", "=", id)
    .execute();
  const c = new FormClient(t, { "accept-language": "en" });
  const { csrf } = await (await c.fetch("/api/v1/auth/session")).json();
  const res = await c.fetch("/api/v1/auth/login", {
    method: "POST",
    body: JSON.stringify({ login: "apiblocked", password: PASSWORD }),
    headers: { "content-type": "application/json", "x-csrf-token": csrf },
  });
  assertEquals(res.status, 403);
  assertEquals(await res.json(), {
    error: "account_disabled",
    message: "This account is disabled. Please contact an administrator.",
  });
});

Deno.test("a session that worked a moment ago stops working the second it expires", async () => {
  // Signature checks are remembered per token; expiry must still be enforced.
  await using t = await openTestApp();
  const id = await makeUser(t, "shortlived");
  const issuedAt = Date.now() - SESSION_TTL_SEC * 1000 + 1500;
  const token = await createSessionToken(t.services, { id, sessionVersion: 1 }, issuedAt);
  const cookie = `${SESSION_COOKIE}=${token}`;
  assertEquals((await t.fetch("/settings", { headers: { cookie } })).status, 200);
  const expiresAt = (Math.floor(issuedAt / 1000) + SESSION_TTL_SEC) * 1000;
  await new Promise((r) => setTimeout(r, expiresAt - Date.now() + 50));
  const late = await t.fetch("/settings", { headers: { cookie } });
  assertEquals(late.status, 303);
  assertEquals(late.headers.get("location"), "/login?next=%2Fsettings");
});
