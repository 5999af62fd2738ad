import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import {
  FormClient,
  loginThroughForm,
  makeUser,
  PASSWORD,
  text,
  validRegistration,
} from "./helpers.ts";
import { verifyPassword } from "@/core/auth/password.ts";
import { settleResetRequests } from "@/core/auth/password_reset.ts";
import { RATE_RULES } from "@/core/rate_limit.ts";

Deno.test("CSRF: a missing or wrong token is refused with 403 and nothing changes", async () => {
  await using t = await openTestApp();
  await makeUser(t, "victim");
  const c = new FormClient(t);
  await loginThroughForm(c, "victim");
  const hashBefore = (await t.services.db.selectFrom("users").select("password_hash")
    .where("username", "=", "victim").executeTakeFirstOrThrow()).password_hash;
  const change = {
    _action: "password",
    currentPassword: PASSWORD,
    password: "Stolen12345",
    passwordRepeat: "Stolen12345",
  };
  for (const csrf of [false, "forged-token", ""] as const) {
    const res = await c.post("/settings", change, { csrf });
    assertEquals(res.status, 403, `csrf=${csrf}`);
    assertStringIncludes(text(await res.text()), "Форма устарела или открыта с другого сайта");
  }
  // A token from another user's session does not fit this one either.
  const other = await signIn(t, "someone_else");
  assertEquals((await c.post("/settings", change, { csrf: other.csrf })).status, 403);
  const row = await t.services.db.selectFrom("users").select(["password_hash", "session_version"])
    .where("username", "=", "victim").executeTakeFirstOrThrow();
  assertEquals(row.password_hash, hashBefore, "the password is unchanged");
  assertEquals(row.session_version, 1, "no session was revoked");

  // Registration and login forms need the pre-session token too.
  const visitor = new FormClient(t);
  assertEquals(
    (await visitor.post("/register", validRegistration("forged"), { csrf: false })).status,
    403,
  );
  assertEquals(
    (await visitor.post("/login", { login: "victim", password: PASSWORD }, { csrf: "x" })).status,
    403,
  );
  assert(!visitor.signedIn());
  const users = await t.services.db.selectFrom("users").select("username").execute();
  assert(!users.some((u) => u.username === "forged"), "no account was created");
});

Deno.test("a request from another site is refused even with a valid token", async () => {
  await using t = await openTestApp();
  await makeUser(t, "target");
  const c = new FormClient(t);
  await loginThroughForm(c, "target");
  const { csrf } = await c.page("/settings");
  const crossSite: Record<string, string>[] = [
    { origin: "https://evil.example" },
    { origin: "null" },
    { "sec-fetch-site": "cross-site" },
  ];
  for (const headers of crossSite) {
    const res = await c.post("/settings", { _action: "logout-all" }, { csrf, headers });
    assertEquals(res.status, 403, JSON.stringify(headers));
  }
  const row = await t.services.db.selectFrom("users").select("session_version")
    .where("username", "=", "target").executeTakeFirstOrThrow();
  assertEquals(row.session_version, 1);
  // The same request from our own origin goes through.
  const ok = await c.post("/settings", { _action: "logout-all" }, {
    csrf,
    headers: { origin: "http://localhost:8000", "sec-fetch-site": "same-origin" },
  });
  assertEquals(ok.status, 303);
});

Deno.test("security headers on a page and on JSON; HSTS only in production", async () => {
  await using t = await openTestApp();
  const page = await t.fetch("/login");
  const json = await t.fetch("/api/v1/auth/session");
  for (const res of [page, json]) {
    assertEquals(res.headers.get("x-frame-options"), "DENY");
    assertEquals(res.headers.get("x-content-type-options"), "nosniff");
    assertEquals(res.headers.get("referrer-policy"), "strict-origin-when-cross-origin");
    assertMatch(res.headers.get("permissions-policy") ?? "", /camera=\(self\)/);
    assertMatch(res.headers.get("permissions-policy") ?? "", /microphone=\(self\)/);
    assertEquals(res.headers.get("strict-transport-security"), null, "no HSTS outside production");
  }
  const csp = page.headers.get("content-security-policy") ?? "";
  const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
  assert(nonce, `a script nonce in the page CSP: ${csp}`);
  assertStringIncludes(csp, "frame-ancestors 'none'");
  assertStringIncludes(csp, "form-action 'self'");
  const again = await t.fetch("/login");
  assert(
    !(again.headers.get("content-security-policy") ?? "").includes(nonce),
    "a new nonce per response",
  );
  assertMatch(json.headers.get("content-security-policy") ?? "", /default-src 'none'/);
  await page.body?.cancel();
  await json.body?.cancel();
  await again.body?.cancel();

  await using prod = await openTestApp({
    GAFUS_ENV: "production",
    SESSION_SECRET: "s".repeat(40),
    VIDEO_SECRET: "v".repeat(40),
    PUBLIC_URL: "https://gafus.example",
  });
  for (const path of ["/login", "/api/v1/auth/session"]) {
    const res = await prod.fetch(path);
    assertMatch(res.headers.get("strict-transport-security") ?? "", /max-age=31536000/);
    // Cookies are Secure in production.
    for (const c of res.headers.getSetCookie()) assertMatch(c, /; Secure/);
    await res.body?.cancel();
  }
});

const IP_FAILURES = RATE_RULES.loginFailuresIp.limit;
const ACCOUNT_FAILURES = RATE_RULES.loginFailuresAccount.limit;

Deno.test("rate limit: a flood of failed logins from one IP gets 429 with Retry-After and a message", async () => {
  await using t = await openTestApp();
  await makeUser(t, "target2");
  const c = new FormClient(t);
  const { csrf } = await c.page("/login");
  for (let i = 0; i < IP_FAILURES; i++) {
    const r = await c.post("/login", { login: `guess${i}`, password: "Guess12345" }, { csrf });
    assertEquals(r.status, 401, `attempt ${i + 1}`);
    await r.body?.cancel();
  }
  const res = await c.post("/login", { login: "target2", password: PASSWORD }, { csrf });
  assertEquals(res.status, 429);
  const retry = Number(res.headers.get("retry-after"));
  assert(retry > 0 && retry <= 15 * 60, `Retry-After in seconds: ${retry}`);
  const html = text(await res.text());
  assertMatch(html, /Слишком много попыток\. Попробуйте снова через \d+\u00a0минут/);
  assertStringIncludes(html, 'value="target2"', "the form keeps what was typed");
  assert(!c.signedIn(), "even the right password is refused over the limit");

  // The JSON API shares the limit and answers in JSON, in the user's language.
  const api = await c.fetch("/api/v1/auth/login", {
    method: "POST",
    body: JSON.stringify({ login: "target2", password: PASSWORD }),
    headers: {
      "content-type": "application/json",
      "x-csrf-token": csrf,
      "accept-language": "en",
      cookie: `${c.cookieHeader()}; lang=en`,
    },
  });
  assertEquals(api.status, 429);
  assert(Number(api.headers.get("retry-after")) > 0);
  const body = await api.json();
  assertEquals(body.error, "rate_limited");
  assertMatch(body.message, /^Too many attempts\. Please try again in \d+\u00a0minutes?\.$/);
});

Deno.test("rate limit: one account is limited across IPs; an unknown one the same way", async () => {
  await using t = await openTestApp({ TRUST_PROXY: "true" });
  await makeUser(t, "popular");
  const attempt = async (login: string, i: number, password = "Guess12345") => {
    // The proxy appends the client's address last: that is the one counted.
    const c = new FormClient(t, { "x-forwarded-for": `10.0.0.1, 203.0.113.${i}` });
    return await loginThroughForm(c, login, password);
  };
  for (let i = 0; i < ACCOUNT_FAILURES; i++) {
    assertEquals((await attempt("popular", i)).status, 401);
  }
  const known = await attempt("popular", 50, PASSWORD);
  assertEquals(known.status, 429, "the account is limited even from a new IP");
  for (let i = 0; i < ACCOUNT_FAILURES; i++) {
    assertEquals((await attempt("ghost_user", 100 + i)).status, 401);
  }
  assertEquals((await attempt("ghost_user", 150)).status, 429, "no difference for unknown names");
  // Another account from a fresh IP is not affected.
  await makeUser(t, "bystander");
  assertEquals((await attempt("bystander", 200, PASSWORD)).status, 303);
});

Deno.test("login limit: 20 successful sign-ins from one address are all accepted (one office, one NAT)", async () => {
  await using t = await openTestApp();
  for (let i = 0; i < 20; i++) await makeUser(t, `office_${i}`);
  for (let i = 0; i < 20; i++) {
    const c = new FormClient(t);
    const res = await loginThroughForm(c, `office_${i}`);
    assertEquals(res.status, 303, `sign-in ${i + 1}`);
    assert(c.signedIn());
  }
  // The same person signing in again and again is not a flood either.
  for (let i = 0; i < 12; i++) {
    assertEquals((await loginThroughForm(new FormClient(t), "office_0")).status, 303);
  }
});

Deno.test("login limit: failures on account A do not lock account B from the same address", async () => {
  await using t = await openTestApp();
  await makeUser(t, "account_a");
  await makeUser(t, "account_b");
  for (let i = 0; i < ACCOUNT_FAILURES; i++) {
    assertEquals(
      (await loginThroughForm(new FormClient(t), "account_a", "Wrong12345")).status,
      401,
    );
  }
  const a = await loginThroughForm(new FormClient(t), "account_a");
  assertEquals(a.status, 429, "A is locked, even with its right password");
  assertStringIncludes(text(await a.text()), "Слишком много попыток");
  const b = new FormClient(t);
  assertEquals((await loginThroughForm(b, "account_b")).status, 303, "B signs in from the same IP");
  assert(b.signedIn());
});

Deno.test("login limit: a successful sign-in clears the account's failures", async () => {
  await using t = await openTestApp();
  await makeUser(t, "forgetful");
  const fail = async () =>
    (await loginThroughForm(new FormClient(t), "forgetful", "Wrong12345")).status;
  for (let i = 0; i < ACCOUNT_FAILURES - 1; i++) assertEquals(await fail(), 401);
  assertEquals((await loginThroughForm(new FormClient(t), "forgetful")).status, 303);
  for (let i = 0; i < ACCOUNT_FAILURES; i++) {
    assertEquals(await fail(), 401, `failure ${i + 1} after the success starts a new count`);
  }
  assertEquals(await fail(), 429, "the limit still holds after the count restarts");
});

Deno.test("rate limit: X-Forwarded-For is ignored unless the proxy is trusted", async () => {
  await using t = await openTestApp();
  for (let i = 0; i < IP_FAILURES; i++) {
    const c = new FormClient(t, { "x-forwarded-for": `198.51.100.${i}` });
    assertEquals((await loginThroughForm(c, `nobody${i}`)).status, 401);
  }
  const c = new FormClient(t, { "x-forwarded-for": "198.51.100.99" });
  assertEquals((await loginThroughForm(c, "nobody99")).status, 429);
});

Deno.test("rate limit: an office registers 20 people from one IP, the next in the hour gets 429; 5 reset requests per IP", async () => {
  await using t = await openTestApp();
  const perHour = RATE_RULES.registerIp.limit;
  assert(perHour >= 20, "an office or a class can sign up together");
  for (let i = 0; i < perHour; i++) {
    const r = await new FormClient(t).post("/register", validRegistration(`user_${i}`));
    assertEquals(r.status, 303, `registration ${i + 1}`);
  }
  // Typos do not count: an invalid form is answered with its errors.
  assertEquals((await new FormClient(t).post("/register", { username: "x" })).status, 422);
  const over = await new FormClient(t).post("/register", validRegistration("user_over"));
  assertEquals(over.status, 429);
  assert(Number(over.headers.get("retry-after")) > 0);
  assertStringIncludes(text(await over.text()), "Слишком много попыток");
  assertEquals(
    (await t.services.db.selectFrom("users").select("id").execute()).length,
    perHour,
  );

  for (let i = 0; i < 5; i++) {
    const r = await new FormClient(t).submit("/password-reset", "/password-reset", {
      login: `user_${i % 2}`,
    });
    assertEquals(r.status, 303);
  }
  const resetOver = await new FormClient(t).submit("/password-reset", "/password-reset", {
    login: "user_0",
  });
  assertEquals(resetOver.status, 429);
  assert(Number(resetOver.headers.get("retry-after")) > 0);
  await settleResetRequests();
});

Deno.test("rate limit: reset requests per account stop silently (no 429 that would reveal it)", async () => {
  await using t = await openTestApp({ TRUST_PROXY: "true" });
  // With an address: an account without any way to receive a link gets no token at all.
  const id = await makeUser(t, "wanted", { email: "wanted@example.ru" });
  for (let i = 0; i < 8; i++) {
    const c = new FormClient(t, { "x-forwarded-for": `192.0.2.${i}` });
    const r = await c.submit("/password-reset", "/password-reset", { login: "wanted" });
    assertEquals(r.status, 303, `request ${i + 1} looks the same as always`);
  }
  await settleResetRequests();
  const tokens = await t.services.db.selectFrom("password_reset_tokens").select("id")
    .where("user_id", "=", id).execute();
  assertEquals(tokens.length, 5, "only 5 links were issued in the window");
  const row = await t.services.db.selectFrom("users").select("password_hash")
    .where("id", "=", id).executeTakeFirstOrThrow();
  assert(await verifyPassword(PASSWORD, row.password_hash));
});
