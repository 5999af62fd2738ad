import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import {
  FormClient,
  loginThroughForm,
  makeUser,
  PASSWORD,
  text,
  validRegistration,
} from "./helpers.ts";
import { CONSENT_VERSION } from "@/core/auth/register.ts";
import { verifyPassword } from "@/core/auth/password.ts";
import { toBase64Url } from "@/platform/encoding.ts";
import { scryptSync } from "node:crypto";

Deno.test("register → signed in → logout → login again, through the real forms", async () => {
  await using t = await openTestApp();
  const c = new FormClient(t, { "user-agent": "TestBrowser/1.0" });

  const form = await c.page("/register");
  assertEquals(form.res.status, 200);
  assert(form.csrf, "the form carries a CSRF token");
  assert(c.cookies.has("gafus_pre"), "a pre-session cookie binds the token");
  assert(!form.html.includes("<script"), "the form works without JavaScript: none is shipped");

  const res = await c.post(
    "/register",
    validRegistration("New_Dog", {
      email: "Owner@Example.RU",
      consentPublicProfile: "on",
    }),
    { csrf: form.csrf },
  );
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("location"), "/courses");
  assert(c.signedIn(), "registration signs the user in");

  const user = await t.services.db.selectFrom("users").selectAll()
    .where("username", "=", "new_dog").executeTakeFirstOrThrow();
  assertEquals(user.email, "owner@example.ru", "username and email are stored lower-case");
  assertEquals(user.role, "USER");
  assert(await verifyPassword(PASSWORD, user.password_hash));
  const profile = await t.services.db.selectFrom("user_profiles").selectAll()
    .where("user_id", "=", user.id).executeTakeFirstOrThrow();
  assertEquals(profile.is_public, true, "the public-profile consent opens the profile");
  const consents = await t.services.db.selectFrom("consents").selectAll()
    .where("user_id", "=", user.id).orderBy("type").execute();
  assertEquals(consents.map((r) => r.type), ["PERSONAL_DATA", "PRIVACY_POLICY", "PUBLIC_PROFILE"]);
  for (const r of consents) {
    assertEquals(r.version, CONSENT_VERSION);
    assertEquals(r.user_agent, "TestBrowser/1.0");
    assert(r.ip, "the IP is recorded");
    assert(r.accepted_at instanceof Date);
  }

  const settings = await c.page("/settings");
  assertEquals(settings.res.status, 200);
  assertStringIncludes(settings.html, "new_dog");

  const out = await c.post("/logout", {});
  assertEquals(out.status, 303);
  assert(!c.signedIn(), "logout clears the session cookie");
  const after = await c.fetch("/settings");
  assertEquals(after.status, 303);
  assertEquals(after.headers.get("location"), "/login?next=%2Fsettings");

  const again = await loginThroughForm(c, "NEW_DOG", PASSWORD, "/settings");
  assertEquals(again.status, 303);
  assertEquals(again.headers.get("location"), "/settings", "login goes back to next");
  assert(c.signedIn());
  const lastLogin = await t.services.db.selectFrom("users").select("last_login_at")
    .where("id", "=", user.id).executeTakeFirstOrThrow();
  assert(lastLogin.last_login_at instanceof Date, "last_login_at is set");

  // By email too, and a signed-in visit to /login goes straight on.
  const c2 = new FormClient(t);
  assertEquals((await loginThroughForm(c2, "owner@example.ru")).status, 303);
  const loginPage = await c2.fetch("/login?next=/profile");
  assertEquals(loginPage.status, 303);
  assertEquals(loginPage.headers.get("location"), "/profile");
});

Deno.test("registration without the public-profile consent keeps the profile private", async () => {
  await using t = await openTestApp();
  const c = new FormClient(t);
  assertEquals((await c.post("/register", validRegistration("quiet_one"))).status, 303);
  const row = await t.services.db.selectFrom("users as u")
    .innerJoin("user_profiles as p", "p.user_id", "u.id")
    .select(["p.is_public", "u.email", "u.id"])
    .where("u.username", "=", "quiet_one").executeTakeFirstOrThrow();
  assertEquals(row.is_public, false);
  assertEquals(row.email, null, "an empty email is stored as none");
  const types = await t.services.db.selectFrom("consents").select("type")
    .where("user_id", "=", row.id).execute();
  assertEquals(types.map((r) => r.type).sort(), ["PERSONAL_DATA", "PRIVACY_POLICY"]);
});

Deno.test("registration errors are shown next to the fields, values kept, passwords not", async () => {
  await using t = await openTestApp();
  const c = new FormClient(t);
  const res = await c.post("/register", {
    username: "ok_name",
    email: "not-an-email",
    password: "weakpass",
    passwordRepeat: "different",
    consentPublicProfile: "on",
  });
  assertEquals(res.status, 422);
  const html = text(await res.text());
  assertStringIncludes(html, 'value="ok_name"');
  assertStringIncludes(html, 'value="not-an-email"');
  assert(!html.includes("weakpass"), "a password is never echoed back");
  assertStringIncludes(html, "Введите адрес электронной почты");
  assertStringIncludes(html, "От 8 до 100\u00a0символов");
  assertStringIncludes(html, "Пароли не совпадают");
  assertStringIncludes(html, "Без этого согласия зарегистрироваться нельзя");
  // Each error is tied to its input for screen readers.
  assertMatch(html, /<p class="field-error" id="email-error">/);
  assertMatch(html, /aria-invalid="true"[^>]*aria-describedby="email-hint email-error"/);
  assertMatch(html, /id="consentPublicProfile"[^>]*checked/);
  assertEquals(
    (await t.services.db.selectFrom("users").select("id").execute()).length,
    0,
    "nothing was stored",
  );
  assert(!c.signedIn());

  // English for an English visitor.
  const en = await new FormClient(t, { "accept-language": "en" }).post("/register", {
    username: "x",
  });
  assertEquals(en.status, 422);
  const enHtml = text(await en.text());
  assertStringIncludes(enHtml, "3 to 32\u00a0characters");
  assertStringIncludes(enHtml, "You cannot register without this consent");
});

Deno.test("a taken username and a taken email get the same neutral message", async () => {
  await using t = await openTestApp();
  await makeUser(t, "taken_name", { email: "taken@example.ru" });
  const byName = await new FormClient(t).post("/register", validRegistration("Taken_Name"));
  const byEmail = await new FormClient(t).post(
    "/register",
    validRegistration("fresh_name", { email: "TAKEN@example.ru" }),
  );
  assertEquals(byName.status, 422);
  assertEquals(byEmail.status, byName.status);
  const msg = (html: string) => /<p class="form-errors__general">([^<]+)<\/p>/.exec(html)?.[1];
  const a = msg(await byName.text());
  const b = msg(await byEmail.text());
  assertEquals(a, "Это имя или адрес уже заняты");
  assertEquals(a, b, "the message does not say which one is taken");
  const users = await t.services.db.selectFrom("users").select("username").execute();
  assertEquals(users.map((u) => u.username), ["taken_name"]);
});

Deno.test("a wrong password or unknown user gets one neutral message and no session", async () => {
  await using t = await openTestApp();
  await makeUser(t, "alice", { email: "alice@example.ru" });
  const wrong = new FormClient(t);
  const r1 = await loginThroughForm(wrong, "alice", "Wrong1234");
  const unknown = new FormClient(t);
  const r2 = await loginThroughForm(unknown, "nobody_here", "Wrong1234");
  for (const [c, r] of [[wrong, r1], [unknown, r2]] as const) {
    assertEquals(r.status, 401);
    const html = text(await r.text());
    assertStringIncludes(html, "Неверное имя пользователя, email или пароль");
    assert(!c.signedIn(), "no session cookie");
  }
  // The login typed is kept, so only the password has to be typed again.
  const r3 = await loginThroughForm(new FormClient(t), "alice@example.ru", "Wrong1234");
  assertStringIncludes(await r3.text(), 'value="alice@example.ru"');
  // Empty fields are errors next to the fields.
  const empty = await new FormClient(t).post("/login", { login: "", password: "" });
  assertEquals(empty.status, 422);
  assertStringIncludes(await empty.text(), 'id="login-error"');
});

Deno.test("a disabled account cannot log in, and its open sessions stop working", async () => {
  await using t = await openTestApp();
  const id = await makeUser(t, "blocked");
  const before = new FormClient(t);
  assertEquals((await loginThroughForm(before, "blocked")).status, 303);
  await t.services.db.updateTable("users").set({ disabled_at: new Date() }).where("id", "=", id)
    .execute();

  const c = new FormClient(t);
  const res = await loginThroughForm(c, "blocked");
  assertEquals(res.status, 403);
  assertStringIncludes(text(await res.text()), "Учётная запись отключена");
  assert(!c.signedIn());
  // A wrong password does not reveal that the account is disabled.
  const wrong = await loginThroughForm(new FormClient(t), "blocked", "Wrong1234");
  assertEquals(wrong.status, 401);

  const old = await before.fetch("/settings");
  assertEquals(old.status, 303, "the earlier session is treated as a visitor");
});

Deno.test("next= is followed only within the site", async () => {
  await using t = await openTestApp();
  await makeUser(t, "walker");
  for (
    const [next, expected] of [
      ["/courses/eto-baza?x=1", "/courses/eto-baza?x=1"],
      ["//evil.example/", "/courses"],
      ["https://evil.example/", "/courses"],
      ["/\\evil.example", "/courses"],
      ["javascript:alert(1)", "/courses"],
    ]
  ) {
    const res = await loginThroughForm(new FormClient(t), "walker", PASSWORD, next);
    assertEquals(res.status, 303);
    assertEquals(res.headers.get("location"), expected, `next=${next}`);
  }
  const reg = await new FormClient(t).post(
    "/register",
    validRegistration("newbie", { next: "https://evil.example/" }),
  );
  assertEquals(reg.headers.get("location"), "/courses");
  // The login page keeps a safe next in its form and links.
  const page = await new FormClient(t).page("/login?next=%2Fsettings");
  assertStringIncludes(page.html, '<input type="hidden" name="next" value="/settings"/>');
  const evil = await new FormClient(t).page("/login?next=%2F%2Fevil.example");
  assert(!evil.html.includes('name="next"'), "an unsafe next is dropped from the form");
});

Deno.test("a hash made with older scrypt parameters is upgraded at login", async () => {
  await using t = await openTestApp();
  const id = await makeUser(t, "oldtimer");
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = scryptSync(PASSWORD, salt, 32, { N: 2 ** 10, r: 8, p: 1 });
  const old = `scrypt$ln=10,r=8,p=1$${toBase64Url(salt)}$${toBase64Url(new Uint8Array(hash))}`;
  await t.services.db.updateTable("users").set({ password_hash: old }).where("id", "=", id)
    .execute();
  assertEquals((await loginThroughForm(new FormClient(t), "oldtimer")).status, 303);
  const row = await t.services.db.selectFrom("users").select("password_hash")
    .where("id", "=", id).executeTakeFirstOrThrow();
  assertMatch(row.password_hash, /^scrypt\$ln=15,r=8,p=1\$/);
  assert(await verifyPassword(PASSWORD, row.password_hash));
});
