/**
 * The token API: login → access + refresh tokens, bearer calls without CSRF
 * (cookie calls still need it), revocation (expiry, logout, password change,
 * disabled account), refresh rotation with reuse detection, the per-login
 * rate limit, registration and password reset through the API, and one
 * user's token never reaching another user's data. Every auth answer is
 * checked against the OpenAPI document.
 */
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { signIn, TEST_PASSWORD } from "../helpers/session.ts";
import { assertMatchesDocument } from "../helpers/openapi.ts";
import { createUser } from "@/core/users.ts";
import { ACCESS_TTL_SEC, signAccessToken, verifyAccessToken } from "@/core/auth/tokens.ts";
import { changePassword } from "@/core/auth/account.ts";
import { logoutEverywhere } from "@/core/auth/account.ts";
import { hit, RATE_RULES } from "@/core/rate_limit.ts";
import { settleResetRequests } from "@/core/auth/password_reset.ts";

type Json = Record<string, unknown>;
interface Pair {
  accessToken: string;
  refreshToken: string;
  user: { id: string };
}

let docCache: Json | undefined;
async function doc(t: TestApp): Promise<Json> {
  return docCache ??= await (await t.fetch("/api/v1/openapi.json")).json();
}

/** POST JSON as an app does: no cookie, no CSRF token. */
function postJson(
  t: TestApp,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return t.fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** Calls the endpoint, checks the answer against the document, returns the body. */
async function checked(
  t: TestApp,
  method: string,
  path: string,
  res: Response,
  status: number,
): Promise<Json> {
  assertEquals(res.status, status, `${method} ${path}`);
  return await assertMatchesDocument(await doc(t), method, path, res) as Json;
}

async function login(t: TestApp, username: string): Promise<Pair> {
  const res = await postJson(t, "/api/v1/auth/token", { login: username, password: TEST_PASSWORD });
  return await checked(t, "POST", "/api/v1/auth/token", res, 200) as unknown as Pair;
}

function bearer(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, ...extra };
}

async function user(t: TestApp, username: string): Promise<string> {
  const { id } = await createUser(t.services, { username, password: TEST_PASSWORD });
  return id;
}

Deno.test("token: login gives access + refresh; a bearer call works without CSRF, a cookie call without it is 403", async () => {
  await using t = await openTestApp();
  await user(t, "anna");
  const pair = await login(t, "anna");
  assertMatch(pair.accessToken, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  assert(pair.refreshToken.length >= 40);

  // A bearer POST without any CSRF token creates a pet.
  const created = await postJson(t, "/api/v1/pets", {
    name: "Рекс",
    type: "DOG",
    breed: "Овчарка",
    birthDate: "2020-01-01",
  }, bearer(pair.accessToken));
  assertEquals(created.status, 201);
  const session = await checked(
    t,
    "GET",
    "/api/v1/auth/session",
    await t.fetch("/api/v1/auth/session", { headers: bearer(pair.accessToken) }),
    200,
  );
  assertEquals((session.user as Json).username, "anna");

  // The same POST with the cookie and no CSRF token is refused, as before.
  const cookieUser = await signIn(t, "anna");
  const refused = await t.fetch("/api/v1/pets", {
    method: "POST",
    headers: cookieUser.headers({ "content-type": "application/json" }),
    body: JSON.stringify({ name: "Бим", type: "DOG", breed: "x", birthDate: "2020-01-01" }),
  });
  assertEquals(refused.status, 403);
  assertEquals((await refused.json()).error, "csrf");
  // No cookie was set by the token endpoint.
  const res = await postJson(t, "/api/v1/auth/token", { login: "anna", password: TEST_PASSWORD });
  assertEquals(res.headers.get("set-cookie"), null);
  await res.body?.cancel();
});

Deno.test("token: with both a bearer token and a cookie, the bearer wins; pages ignore bearer tokens", async () => {
  await using t = await openTestApp();
  await user(t, "bearer_one");
  const cookieOwner = await signIn(t, "cookie_two");
  const pair = await login(t, "bearer_one");
  const both = await t.fetch("/api/v1/auth/session", {
    headers: cookieOwner.headers(bearer(pair.accessToken)),
  });
  assertEquals(((await both.json()).user as Json).username, "bearer_one");
  // A bad bearer token with a good cookie: refused, not silently the cookie's user.
  const bad = await t.fetch("/api/v1/auth/session", {
    headers: cookieOwner.headers(bearer("not.a.token")),
  });
  assertEquals(bad.status, 401);
  assertEquals(bad.headers.get("www-authenticate"), 'Bearer error="invalid_token"');
  await assertMatchesDocument(await doc(t), "GET", "/api/v1/auth/session", bad);
  // Pages stay cookie-only: a bearer token alone does not open /profile.
  const page = await t.fetch("/profile", { headers: bearer(pair.accessToken) });
  assertEquals(page.status, 303);
  await page.body?.cancel();
});

Deno.test("token: an expired access token is refused; errors follow Accept-Language", async () => {
  await using t = await openTestApp();
  const id = await user(t, "expiring");
  const pair = await login(t, "expiring");
  const claims = await verifyAccessToken(t.services, pair.accessToken);
  assert(claims);
  assertEquals(claims.expiresAt - claims.issuedAt, ACCESS_TTL_SEC);
  // Issued 16 minutes ago: past its 15.
  const old = await signAccessToken(t.services, {
    userId: id,
    sessionVersion: claims.sessionVersion,
    familyId: claims.familyId,
  }, Date.now() - 16 * 60_000);
  assertEquals(await verifyAccessToken(t.services, old), null);
  const en = await t.fetch("/api/v1/pets", { headers: bearer(old, { "accept-language": "en" }) });
  assertEquals(en.status, 401);
  const body = await en.json();
  assertEquals(body.error, "invalid_token");
  assertMatch(body.message, /access token/);
  const ru = await t.fetch("/api/v1/pets", { headers: bearer(old, { "accept-language": "ru" }) });
  assertMatch((await ru.json()).message, /Токен доступа/);
  // A token made with another key (another typ, a session token) is refused too.
  const cookie = await signIn(t, "expiring");
  const sessionJwt = cookie.cookie.split("=")[1];
  assertEquals((await t.fetch("/api/v1/pets", { headers: bearer(sessionJwt) })).status, 401);
});

Deno.test("token: logout revokes the login; password change, logout-everywhere and disabling end every token", async () => {
  await using t = await openTestApp();
  const id = await user(t, "revoker");
  const pets = (p: Pair) => t.fetch("/api/v1/pets", { headers: bearer(p.accessToken) });

  // Logout (bearer): this login ends, another login of the same user does not.
  const a = await login(t, "revoker");
  const b = await login(t, "revoker");
  const out = await t.fetch("/api/v1/auth/logout", {
    method: "POST",
    headers: bearer(a.accessToken),
  });
  await checked(t, "POST", "/api/v1/auth/logout", out, 200);
  assertEquals((await pets(a)).status, 401);
  const refreshA = await postJson(t, "/api/v1/auth/refresh", { refreshToken: a.refreshToken });
  assertEquals(
    (await checked(t, "POST", "/api/v1/auth/refresh", refreshA, 401)).error,
    "invalid_grant",
  );
  assertEquals((await pets(b)).status, 200);

  // Password change: every access token and refresh token of the user ends.
  const [me] = await t.services.db.selectFrom("users")
    .select(["id", "username", "role", "locale", "time_zone", "session_version"])
    .where("id", "=", id).execute();
  await changePassword(t.services, {
    id,
    username: me.username,
    role: me.role,
    locale: "ru",
    timeZone: me.time_zone,
    sessionVersion: me.session_version,
  }, { currentPassword: TEST_PASSWORD, password: "NewSecret456", passwordRepeat: "NewSecret456" });
  assertEquals((await pets(b)).status, 401);
  assertEquals(
    (await postJson(t, "/api/v1/auth/refresh", { refreshToken: b.refreshToken })).status,
    401,
  );
  const live = await t.services.db.selectFrom("refresh_tokens").select("id")
    .where("user_id", "=", id).where("revoked_at", "is", null).execute();
  assertEquals(live.length, 0, "every family is marked revoked");

  // Log out everywhere.
  const c = await postJson(t, "/api/v1/auth/token", { login: "revoker", password: "NewSecret456" });
  const cPair = await c.json() as Pair;
  assertEquals((await pets(cPair)).status, 200);
  const row = await t.services.db.selectFrom("users").select("session_version")
    .where("id", "=", id).executeTakeFirstOrThrow();
  await logoutEverywhere(t.services, {
    id,
    username: "revoker",
    role: "USER",
    locale: "ru",
    timeZone: me.time_zone,
    sessionVersion: row.session_version,
  });
  assertEquals((await pets(cPair)).status, 401);

  // Disabled: refused at once, even without a version bump.
  const d = await postJson(t, "/api/v1/auth/token", { login: "revoker", password: "NewSecret456" });
  const dPair = await d.json() as Pair;
  assertEquals((await pets(dPair)).status, 200);
  await t.services.db.updateTable("users").set({ disabled_at: new Date() }).where("id", "=", id)
    .execute();
  assertEquals((await pets(dPair)).status, 401);
  assertEquals(
    (await postJson(t, "/api/v1/auth/refresh", { refreshToken: dPair.refreshToken })).status,
    401,
  );
  // And a disabled account cannot log in to the token API.
  const denied = await postJson(t, "/api/v1/auth/token", {
    login: "revoker",
    password: "NewSecret456",
  });
  assertEquals(
    (await checked(t, "POST", "/api/v1/auth/token", denied, 403)).error,
    "account_disabled",
  );
});

Deno.test("token: refresh rotates; reusing a spent refresh token revokes the whole family", async () => {
  await using t = await openTestApp();
  await user(t, "rotor");
  const first = await login(t, "rotor");
  const res = await postJson(t, "/api/v1/auth/refresh", { refreshToken: first.refreshToken });
  const second = await checked(t, "POST", "/api/v1/auth/refresh", res, 200) as unknown as Pair;
  assert(second.refreshToken !== first.refreshToken);
  // The new pair works.
  assertEquals(
    (await t.fetch("/api/v1/pets", { headers: bearer(second.accessToken) })).status,
    200,
  );
  const third = await (await postJson(t, "/api/v1/auth/refresh", {
    refreshToken: second.refreshToken,
  })).json() as Pair;

  // The first token again: spent → refused, and the family is revoked.
  const reuse = await postJson(t, "/api/v1/auth/refresh", { refreshToken: first.refreshToken });
  assertEquals(
    (await checked(t, "POST", "/api/v1/auth/refresh", reuse, 401)).error,
    "invalid_grant",
  );
  // The newest refresh token of that family is refused too…
  assertEquals(
    (await postJson(t, "/api/v1/auth/refresh", { refreshToken: third.refreshToken })).status,
    401,
  );
  // …and so are its access tokens, at once.
  for (const p of [first, second, third]) {
    assertEquals(
      (await t.fetch("/api/v1/pets", { headers: bearer(p.accessToken) })).status,
      401,
    );
  }
  // Another login of the same user is untouched.
  const other = await login(t, "rotor");
  assertEquals((await t.fetch("/api/v1/pets", { headers: bearer(other.accessToken) })).status, 200);

  // Two refreshes racing with one token: one wins, the other counts as a reuse.
  const racer = await login(t, "rotor");
  const [r1, r2] = await Promise.all([
    postJson(t, "/api/v1/auth/refresh", { refreshToken: racer.refreshToken }),
    postJson(t, "/api/v1/auth/refresh", { refreshToken: racer.refreshToken }),
  ]);
  const statuses = [r1.status, r2.status].sort();
  await r1.body?.cancel();
  await r2.body?.cancel();
  assertEquals(statuses[1], 401, "at most one refresh of one token succeeds");

  // An app that sends its (expired) access token along with the refresh still refreshes.
  const sender = await login(t, "rotor");
  const withHeader = await postJson(t, "/api/v1/auth/refresh", {
    refreshToken: sender.refreshToken,
  }, bearer("expired.or.garbage"));
  await checked(t, "POST", "/api/v1/auth/refresh", withHeader, 200);

  // Garbage and missing tokens.
  const unknown = await postJson(t, "/api/v1/auth/refresh", { refreshToken: "nope" });
  await checked(t, "POST", "/api/v1/auth/refresh", unknown, 401);
  const missing = await postJson(t, "/api/v1/auth/refresh", {});
  await checked(t, "POST", "/api/v1/auth/refresh", missing, 400);
});

Deno.test("token: each login has a call budget per minute (429 with Retry-After)", async () => {
  await using t = await openTestApp();
  await user(t, "busy");
  const pair = await login(t, "busy");
  const claims = (await verifyAccessToken(t.services, pair.accessToken))!;
  // Use up the budget of this login (as its earlier calls would have).
  const rule = RATE_RULES.apiTokenFamily;
  for (let i = 0; i < rule.limit - 1; i++) await hit(t.services.kv, rule, claims.familyId);
  const last = await t.fetch("/api/v1/auth/session", { headers: bearer(pair.accessToken) });
  assertEquals(last.status, 200);
  await last.body?.cancel();
  const over = await t.fetch("/api/v1/auth/session", {
    headers: bearer(pair.accessToken, { "accept-language": "en" }),
  });
  assertEquals(over.status, 429);
  assert(Number(over.headers.get("retry-after")) >= 1);
  const body = await checked(t, "GET", "/api/v1/auth/session", over, 429);
  assertEquals(body.error, "rate_limited");
  // Another login of the same user has its own budget.
  const fresh = await login(t, "busy");
  assertEquals(
    (await t.fetch("/api/v1/pets", { headers: bearer(fresh.accessToken) })).status,
    200,
  );
});

Deno.test("token: register through the API (same rules and consents), then call with the token", async () => {
  await using t = await openTestApp();
  const path = "/api/v1/auth/register";
  const good = {
    username: "newbie",
    email: "newbie@example.com",
    password: "Secret123",
    passwordRepeat: "Secret123",
    consentPersonalData: true,
    consentPrivacyPolicy: true,
  };
  // Consents are required, as on the form.
  const noConsent = await postJson(t, path, { ...good, consentPrivacyPolicy: false }, {
    "accept-language": "en",
  });
  const invalid = await checked(t, "POST", path, noConsent, 400);
  assert((invalid.fields as Json).consentPrivacyPolicy);

  const res = await postJson(t, path, good, { "accept-language": "en" });
  const body = await checked(t, "POST", path, res, 201) as unknown as Pair & {
    user: { username: string; locale: string };
  };
  assertEquals(body.user.username, "newbie");
  assertEquals(body.user.locale, "en");
  const consents = await t.services.db.selectFrom("consents").select("type")
    .where("user_id", "=", body.user.id).execute();
  assertEquals(consents.map((c) => c.type).sort(), ["PERSONAL_DATA", "PRIVACY_POLICY"]);
  assertEquals((await t.fetch("/api/v1/pets", { headers: bearer(body.accessToken) })).status, 200);

  // Taken: one neutral answer for username and email.
  const taken = await postJson(t, path, { ...good, username: "other", email: good.email });
  assertEquals((await checked(t, "POST", path, taken, 422)).error, "taken");
  // A form post (no JSON) without a CSRF token is refused: only JSON skips it.
  const form = await t.fetch(path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "username=x",
  });
  assertEquals(form.status, 403);
  await form.body?.cancel();
  // A cross-site browser call is refused even as JSON.
  const cross = await postJson(t, path, good, { origin: "https://evil.example" });
  assertEquals(cross.status, 403);
  await cross.body?.cancel();
});

Deno.test("token: password reset answers the same for a known and an unknown login", async () => {
  await using t = await openTestApp();
  await createUser(t.services, {
    username: "forgetful",
    password: TEST_PASSWORD,
    email: "forgetful@example.com",
  });
  const path = "/api/v1/auth/password-reset";
  const known = await checked(
    t,
    "POST",
    path,
    await postJson(t, path, { login: "forgetful" }),
    202,
  );
  const unknown = await checked(t, "POST", path, await postJson(t, path, { login: "ghost" }), 202);
  assertEquals(known, unknown);
  await settleResetRequests();
  const issued = await t.services.db.selectFrom("password_reset_tokens").select("id").execute();
  assertEquals(issued.length, 1, "a link was issued for the real account only");
  await checked(t, "POST", path, await postJson(t, path, {}), 400);
});

Deno.test("token: one user's token cannot read or change another user's pet", async () => {
  await using t = await openTestApp();
  await user(t, "owner");
  await user(t, "intruder");
  const owner = await login(t, "owner");
  const intruder = await login(t, "intruder");
  const created = await postJson(t, "/api/v1/pets", {
    name: "Шарик",
    type: "DOG",
    breed: "Дворняга",
    birthDate: "2021-05-05",
  }, bearer(owner.accessToken));
  const { pet } = await created.json();
  const mine = await t.fetch(`/api/v1/pets/${pet.id}`, { headers: bearer(owner.accessToken) });
  assertEquals(mine.status, 200);
  await mine.body?.cancel();
  const theirs = await t.fetch(`/api/v1/pets/${pet.id}`, {
    headers: bearer(intruder.accessToken),
  });
  assertEquals(theirs.status, 404);
  await theirs.body?.cancel();
  const del = await t.fetch(`/api/v1/pets/${pet.id}`, {
    method: "DELETE",
    headers: bearer(intruder.accessToken),
  });
  assert(del.status === 404 || del.status === 405, `delete by another user: ${del.status}`);
  await del.body?.cancel();
  const list = await (await t.fetch("/api/v1/pets", { headers: bearer(intruder.accessToken) }))
    .json();
  assertEquals(list.pets.length, 0);
  // A refresh token is one user's too: the intruder's refresh gives the intruder's tokens.
  const r = await (await postJson(t, "/api/v1/auth/refresh", {
    refreshToken: intruder.refreshToken,
  })).json() as Pair;
  const who = await (await t.fetch("/api/v1/auth/session", { headers: bearer(r.accessToken) }))
    .json();
  assertEquals(who.user.username, "intruder");
});

Deno.test("token: the web login still answers its cookie and CSRF token (documented)", async () => {
  await using t = await openTestApp();
  await user(t, "webby");
  const start = await t.fetch("/api/v1/auth/session");
  const pre = start.headers.get("set-cookie")!.split(";")[0];
  const { csrf } = await checked(t, "GET", "/api/v1/auth/session", start, 200) as {
    csrf: string;
  };
  const res = await t.fetch("/api/v1/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json", cookie: pre, "x-csrf-token": csrf },
    body: JSON.stringify({ login: "webby", password: TEST_PASSWORD }),
  });
  assert(res.headers.get("set-cookie")?.includes("gafus_session="));
  await checked(t, "POST", "/api/v1/auth/login", res, 200);
  const wrong = await t.fetch("/api/v1/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json", cookie: pre, "x-csrf-token": csrf },
    body: JSON.stringify({ login: "webby", password: "nope-nope" }),
  });
  await checked(t, "POST", "/api/v1/auth/login", wrong, 401);
  const bad = await postJson(t, "/api/v1/auth/token", { login: "webby", password: "nope-nope" });
  await checked(t, "POST", "/api/v1/auth/token", bad, 401);
});
