/**
 * Password reset through the real form, the `email` queue and an SMTP
 * server on loopback (and the fake Bot API for "send to my Telegram"): the
 * mail arrives in the account's language as text and HTML, its link sets a
 * new password; whatever is entered, and whichever way is chosen, the answer
 * is the same.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { FakeTelegram } from "../helpers/fake_telegram.ts";
import { FormClient, loginThroughForm, makeUser, PASSWORD } from "../auth/helpers.ts";
import { linkIn, TestSmtp } from "./smtp.ts";
import { settleResetRequests } from "@/core/auth/password_reset.ts";

let ipCounter = 0;
/** A fresh client from its own address (the reset form is limited per IP). */
function client(t: TestApp): FormClient {
  return new FormClient(t, { "x-forwarded-for": `10.0.0.${++ipCounter}` });
}

async function askReset(t: TestApp, login: string, channel?: string) {
  const c = client(t);
  const res = await c.submit("/password-reset", "/password-reset", {
    login,
    ...(channel ? { channel } : {}),
  });
  await settleResetRequests();
  return { status: res.status, location: res.headers.get("location") };
}

async function setUser(
  t: TestApp,
  id: string,
  set: { locale?: "ru" | "en"; telegram_chat_id?: number; disabled_at?: Date },
) {
  await t.services.db.updateTable("users").set(set).where("id", "=", id).execute();
}

const SAME = { status: 303, location: "/password-reset?sent=1" };

Deno.test("reset by email end to end: in the account's language, text and HTML, the link sets a new password", async () => {
  await using smtp = await new TestSmtp().start();
  await using t = await openTestApp({ SMTP_URL: smtp.url(), TRUST_PROXY: "true" });
  t.services.jobs.start();
  await makeUser(t, "anna", { email: "anna@example.ru" });
  const bob = await makeUser(t, "bob", { email: "bob@example.com" });
  await setUser(t, bob, { locale: "en" });

  assertEquals(await askReset(t, "anna"), SAME);
  assertEquals(await askReset(t, "BOB@example.com"), SAME);
  await t.services.jobs.drain({ timeoutMs: 20_000 });

  const ru = smtp.mailsTo("anna@example.ru");
  const en = smtp.mailsTo("bob@example.com");
  assertEquals([ru.length, en.length], [1, 1]);
  assertEquals(ru[0].parsed.subject, "Ссылка для нового пароля");
  assertStringIncludes(ru[0].parsed.text!, "Здравствуйте, anna!");
  assertStringIncludes(ru[0].parsed.text!, "действует 1\u00a0час");
  assertEquals(en[0].parsed.subject, "Your link to a new password");
  assertStringIncludes(en[0].parsed.text!, "Hello, bob!");
  for (const m of [ru[0], en[0]]) {
    const link = linkIn(m.parsed.text!, "/password-reset/");
    assert(link.startsWith(t.config.publicUrl), "an absolute link to the public address");
    assertStringIncludes(String(m.parsed.html), `href="${link}"`, "the same link in HTML");
    assert(!/^List-Unsubscribe/im.test(m.raw), "account mail has no unsubscribe header");
    assertEquals(m.from, "no-reply@gafus.localhost");
  }

  // Anna follows her link.
  const path = new URL(linkIn(ru[0].parsed.text!, "/password-reset/")).pathname;
  const c = client(t);
  const form = await c.page(path);
  assertEquals(form.res.status, 200);
  const done = await c.post(path, { password: "Fresh12345", passwordRepeat: "Fresh12345" }, {
    csrf: form.csrf,
  });
  assertEquals(done.status, 303);
  assertEquals(done.headers.get("location"), "/settings?done=reset");
  assertEquals((await loginThroughForm(client(t), "anna", "Fresh12345")).status, 303);
  assertEquals((await loginThroughForm(client(t), "anna", PASSWORD)).status, 401);
  // Bob's link is his own: Anna's reset changed nothing of his.
  assertEquals((await loginThroughForm(client(t), "bob", PASSWORD)).status, 303);
});

Deno.test("reset: an unknown login, an account without email, a disabled one — the same answer and no mail", async () => {
  await using smtp = await new TestSmtp().start();
  await using t = await openTestApp({ SMTP_URL: smtp.url(), TRUST_PROXY: "true" });
  t.services.jobs.start();
  await makeUser(t, "noaddress");
  const frozen = await makeUser(t, "frozen", { email: "frozen@example.ru" });
  await setUser(t, frozen, { disabled_at: new Date() });
  await makeUser(t, "known", { email: "known@example.ru" });

  for (const login of ["nobody_at_all", "ghost@example.ru", "noaddress", "frozen", "known"]) {
    assertEquals(await askReset(t, login), SAME, login);
  }
  await t.services.jobs.drain({ timeoutMs: 20_000 });
  assertEquals(smtp.mails.map((m) => m.to), [["known@example.ru"]]);
  // The confirmation page reads the same for everyone.
  const a = await client(t).page("/password-reset?sent=1");
  const b = await client(t).page("/password-reset?sent=1");
  assertEquals(
    a.html.replace(/value="[^"]+"/g, ""),
    b.html.replace(/value="[^"]+"/g, ""),
  );
});

Deno.test("reset 'send to my Telegram': a telegram message only for a linked account; the answer is identical", async () => {
  await using smtp = await new TestSmtp().start();
  await using fake = new FakeTelegram();
  await using t = await openTestApp(
    fake.env({ SMTP_URL: smtp.url(), TRUST_PROXY: "true" }),
  );
  t.services.jobs.start();
  const linked = await makeUser(t, "linked", { email: "linked@example.ru" });
  await setUser(t, linked, { telegram_chat_id: 7001, locale: "en" });
  await makeUser(t, "unlinked", { email: "unlinked@example.ru" });
  const tgOnly = await makeUser(t, "tgonly");
  await setUser(t, tgOnly, { telegram_chat_id: 7002 });

  // The choice is offered to everyone (it must not tell who has Telegram).
  const form = await client(t).page("/password-reset");
  assertStringIncludes(form.html, 'name="channel" value="telegram"');
  assertStringIncludes(form.html, "Куда отправить ссылку");

  const answers = [
    await askReset(t, "linked", "telegram"),
    await askReset(t, "unlinked", "telegram"),
    await askReset(t, "nobody_here", "telegram"),
    await askReset(t, "tgonly", "email"),
  ];
  for (const a of answers) assertEquals(a, SAME);
  await t.services.jobs.drain({ timeoutMs: 20_000 });

  // Linked + Telegram: the link goes to the chat, with a URL button, in the account's language.
  const toLinked = fake.messagesTo(7001);
  assertEquals(toLinked.length, 1);
  assertStringIncludes(toLinked[0].text, "Your link to a new password for the account linked");
  const button = (toLinked[0].reply_markup as {
    inline_keyboard: { text: string; url: string }[][];
  }).inline_keyboard[0][0];
  assertEquals(button.text, "Set a new password");
  assert(button.url.startsWith(`${t.config.publicUrl}/password-reset/`));
  assertEquals(smtp.mailsTo("linked@example.ru").length, 0, "not by email as well");
  // The link in the chat works.
  const page = await client(t).page(new URL(button.url).pathname);
  assertEquals(page.res.status, 200);

  // Not linked: no telegram message at all; the link goes by email instead.
  assertEquals(fake.messages.filter((m) => m.chat_id !== 7001 && m.chat_id !== 7002).length, 0);
  assertEquals(smtp.mailsTo("unlinked@example.ru").length, 1);
  // Telegram only, email asked for: the only way it has.
  assertEquals(fake.messagesTo(7002).length, 1);
  assertStringIncludes(fake.messagesTo(7002)[0].text, "Ссылка для нового пароля");
  assertEquals(fake.messages.length, 2);
});

Deno.test("reset form without a bot: no channel choice, the link goes by email", async () => {
  await using t = await openTestApp();
  const form = await new FormClient(t).page("/password-reset");
  assert(!form.html.includes('name="channel"'), "no Telegram choice without a bot");
  assertStringIncludes(form.html, "на email учётной записи");
});
