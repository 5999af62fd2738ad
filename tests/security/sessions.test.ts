/**
 * Sessions are signed tokens that live 30 days. Signing out must end the
 * session on the server, not only ask this browser to forget the cookie: a
 * copy of the cookie (a shared computer, a proxy log, malware that read it
 * earlier) must stop working once its owner signs out.
 */
import { assertEquals } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn, TEST_PASSWORD } from "../helpers/session.ts";
import { Visitor } from "./helpers.ts";

Deno.test("a session cookie copied before sign-out no longer works after it", async () => {
  await using t = await openTestApp();
  const user = await signIn(t, "leaves_the_library");
  const browser = await new Visitor(t).start();
  const login = await browser.postJson("/api/v1/auth/login", {
    login: user.username,
    password: TEST_PASSWORD,
  });
  assertEquals(login.status, 200);
  const { csrf } = await login.json();
  const copied = browser.cookies.get("gafus_session");

  browser.csrf = csrf;
  const out = await browser.postJson("/api/v1/auth/logout", {});
  await out.body?.cancel();
  assertEquals(out.status, 200);

  const replay = await t.fetch("/api/v1/auth/session", {
    headers: { cookie: `gafus_session=${copied}` },
  });
  assertEquals((await replay.json()).user, null, "the copied cookie still signs in");
});

Deno.test("two sign-ins in the same second are separate sessions: signing one out keeps the other", async () => {
  await using t = await openTestApp();
  const user = await signIn(t, "two_devices");
  const phone = await new Visitor(t).start();
  const laptop = await new Visitor(t).start();
  for (const device of [phone, laptop]) {
    const res = await device.postJson("/api/v1/auth/login", {
      login: user.username,
      password: TEST_PASSWORD,
    });
    assertEquals(res.status, 200);
    device.csrf = (await res.json()).csrf;
  }
  const out = await phone.postJson("/api/v1/auth/logout", {});
  await out.body?.cancel();
  const still = await t.fetch("/api/v1/auth/session", {
    headers: { cookie: `gafus_session=${laptop.cookies.get("gafus_session")}` },
  });
  assertEquals((await still.json()).user?.username, "two_devices", "the laptop stays signed in");
});
