/**
 * Push subscriptions over the API: validated (https endpoint in production,
 * keys of the right length and on the curve), CSRF-protected, owned (nobody
 * else deletes mine), one row per endpoint, a few devices per user.
 */
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { toBase64Url } from "@/platform/encoding.ts";
import {
  isAllowedEndpoint,
  MAX_SUBSCRIPTIONS_PER_USER,
  saveSubscription,
} from "@/core/push/subscriptions.ts";
import type { Services } from "@/core/services.ts";
import { newBrowserSubscription } from "./push_service.ts";
import { z } from "zod";

async function browserJson(endpoint: string) {
  const b = await newBrowserSubscription();
  return { endpoint, expirationTime: null, keys: { p256dh: b.p256dh, auth: b.auth } };
}

const rows = (t: TestApp) =>
  t.services.db.selectFrom("push_subscriptions").select(["id", "user_id", "endpoint", "user_agent"])
    .orderBy("created_at").execute();

const post = (s: { fetch: (p: string, i?: RequestInit) => Promise<Response> }, body: unknown) =>
  s.fetch("/api/v1/push/subscriptions", {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "Test Browser 1.0" },
    body: JSON.stringify(body),
  });

const del = (s: { fetch: (p: string, i?: RequestInit) => Promise<Response> }, endpoint: string) =>
  s.fetch("/api/v1/push/subscriptions", {
    method: "DELETE",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ endpoint }),
  });

Deno.test("subscribe: stored for me, renewed in place, 201 then 200", async () => {
  await using t = await openTestApp();
  const anna = await signIn(t, "anna");
  const sub = await browserJson("https://fcm.googleapis.com/fcm/send/abc");
  const first = await post(anna, sub);
  assertEquals(first.status, 201);
  const { id } = await first.json();
  const again = await post(anna, { ...sub, keys: (await browserJson("x")).keys });
  assertEquals(again.status, 200);
  assertEquals((await again.json()).id, id);
  const all = await rows(t);
  assertEquals(all.map((r) => [r.id, r.user_id, r.endpoint, r.user_agent]), [
    [id, anna.id, sub.endpoint, "Test Browser 1.0"],
  ]);
});

Deno.test("subscribe: bad input is a 400 with a message per field, in the user's language", async () => {
  await using t = await openTestApp();
  const anna = await signIn(t, "anna");
  const good = await browserJson("https://updates.push.services.mozilla.com/wpush/v2/x");
  const offCurve = new Uint8Array(65).fill(9);
  offCurve[0] = 4;
  const cases: [unknown, string][] = [
    [{ ...good, endpoint: "ftp://push.example.com/x" }, "endpoint"],
    [{ ...good, endpoint: "not a url" }, "endpoint"],
    [{ ...good, keys: { ...good.keys, p256dh: good.keys.p256dh.slice(0, 40) } }, "keys.p256dh"],
    [{ ...good, keys: { ...good.keys, p256dh: toBase64Url(offCurve) } }, "keys.p256dh"],
    [{ ...good, keys: { ...good.keys, p256dh: "!!!" } }, "keys.p256dh"],
    [{ ...good, keys: { ...good.keys, auth: toBase64Url(new Uint8Array(12)) } }, "keys.auth"],
    [{ endpoint: good.endpoint }, "keys"],
  ];
  for (const [body, field] of cases) {
    const res = await post(anna, body);
    assertEquals(res.status, 400, JSON.stringify(body));
    const json = await res.json();
    assert(field in json.fields, `${field} in ${JSON.stringify(json.fields)}`);
  }
  const ru = await (await post(anna, { ...good, keys: { ...good.keys, auth: "AAAA" } })).json();
  assertEquals(ru.fields["keys.auth"], "Секрет auth должен занимать 16\u00a0байт (base64url)");
  const notJson = await anna.fetch("/api/v1/push/subscriptions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{nope",
  });
  assertEquals(notJson.status, 400);
  assertEquals(await rows(t), []);
});

Deno.test("subscribe: needs a session and the CSRF token", async () => {
  await using t = await openTestApp();
  const anna = await signIn(t, "anna");
  const sub = await browserJson("https://fcm.googleapis.com/fcm/send/abc");
  const noToken = await t.fetch("/api/v1/push/subscriptions", {
    method: "POST",
    headers: anna.headers({ "content-type": "application/json" }),
    body: JSON.stringify(sub),
  });
  assertEquals(noToken.status, 403);
  const visitor = await t.fetch("/api/v1/push/subscriptions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(sub),
  });
  assertEquals(visitor.status, 403);
  await assertRejects(() => saveSubscription(t.services, null, sub));
  assertEquals(await rows(t), []);
});

Deno.test("unsubscribe: only the owner can delete a subscription", async () => {
  await using t = await openTestApp();
  const anna = await signIn(t, "anna");
  const bob = await signIn(t, "bob");
  const sub = await browserJson("https://fcm.googleapis.com/fcm/send/anna-phone");
  assertEquals((await post(anna, sub)).status, 201);

  const theft = await del(bob, sub.endpoint);
  assertEquals(theft.status, 404);
  assertEquals((await rows(t)).length, 1);

  assertEquals((await del(anna, sub.endpoint)).status, 204);
  assertEquals(await rows(t), []);
  assertEquals((await del(anna, sub.endpoint)).status, 404);
});

Deno.test("subscribe: a device follows the account that turned push on last", async () => {
  await using t = await openTestApp();
  const anna = await signIn(t, "anna");
  const bob = await signIn(t, "bob");
  const sub = await browserJson("https://fcm.googleapis.com/fcm/send/shared-laptop");
  await post(anna, sub);
  assertEquals((await post(bob, sub)).status, 200);
  const [row] = await rows(t);
  assertEquals(row.user_id, bob.id);
  // Anna cannot remove it any more; it is Bob's now.
  assertEquals((await del(anna, sub.endpoint)).status, 404);
});

Deno.test("subscribe: at most a few devices per user; the oldest goes", async () => {
  await using t = await openTestApp();
  const anna = await signIn(t, "anna");
  const endpoints: string[] = [];
  for (let i = 0; i <= MAX_SUBSCRIPTIONS_PER_USER; i++) {
    endpoints.push(`https://fcm.googleapis.com/fcm/send/device-${i}`);
    assertEquals((await post(anna, await browserJson(endpoints[i]))).status, 201);
  }
  const left = (await rows(t)).map((r) => r.endpoint);
  assertEquals(left.length, MAX_SUBSCRIPTIONS_PER_USER);
  assert(!left.includes(endpoints[0]));
  assert(left.includes(endpoints[MAX_SUBSCRIPTIONS_PER_USER]));
});

Deno.test("endpoint rules: production takes only https push services, never local hosts", async () => {
  for (
    const ok of [
      "https://fcm.googleapis.com/fcm/send/abc",
      "https://updates.push.services.mozilla.com/wpush/v2/x",
      "https://web.push.apple.com/QGx",
    ]
  ) assert(isAllowedEndpoint(ok, true), ok);
  for (
    const bad of [
      "http://fcm.googleapis.com/fcm/send/abc",
      "https://localhost/x",
      "https://127.0.0.1/x",
      "https://10.0.0.5/x",
      "https://[::1]/x",
      "https://2130706433/x",
      "https://push.example.com:8443/x",
      "https://user:pw@push.example.com/x",
      "https://metadata.internal/x",
      "https://printer.local/x",
      "https://intranet/x",
    ]
  ) assert(!isAllowedEndpoint(bad, true), bad);
  // Development and tests may use a push service on loopback.
  assert(isAllowedEndpoint("http://127.0.0.1:9999/push", false));
  assert(!isAllowedEndpoint("ftp://127.0.0.1/push", false));

  await using t = await openTestApp();
  const anna = await signIn(t, "anna");
  const prod: Services = { ...t.services, config: { ...t.services.config, production: true } };
  const user = {
    id: anna.id,
    username: "anna",
    role: "USER" as const,
    locale: "ru" as const,
    timeZone: "Europe/Moscow",
    sessionVersion: 1,
  };
  await assertRejects(
    async () => await saveSubscription(prod, user, await browserJson("http://127.0.0.1:9/x")),
    z.ZodError,
  );
  const ok = await saveSubscription(prod, user, await browserJson("https://fcm.googleapis.com/x"));
  assert(ok.created);
});

Deno.test("the VAPID public key is served for browsers to subscribe with", async () => {
  await using t = await openTestApp();
  const res = await t.fetch("/api/v1/push/public-key");
  assertEquals(res.status, 200);
  assertEquals(await res.json(), { publicKey: t.services.config.secrets.vapid!.publicKey });
});
