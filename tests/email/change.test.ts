/**
 * Changing the email with a confirmation from the new address, through the
 * settings form, the `email` queue and an SMTP server on loopback: the old
 * address stays until the link is opened, GET never confirms, the link
 * works once and only for its own account, expires after 24 hours, and a
 * resend or cancel kills the earlier link.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { FormClient, loginThroughForm, makeUser, PASSWORD, text } from "../auth/helpers.ts";
import { linkIn, TestSmtp } from "./smtp.ts";
import { issueResetToken } from "@/core/auth/password_reset.ts";
import { confirmEmailChange, EmailChangeTokenError } from "@/core/auth/email_change.ts";
import { assertRejects } from "../helpers/assert.ts";

async function signedIn(t: TestApp, username: string, email?: string) {
  const id = await makeUser(t, username, { email });
  const c = new FormClient(t);
  assertEquals((await loginThroughForm(c, username)).status, 303);
  return { id, c };
}

const emailOf = async (t: TestApp, id: string) =>
  (await t.services.db.selectFrom("users").select("email").where("id", "=", id)
    .executeTakeFirstOrThrow()).email;

async function askChange(c: FormClient, email: string) {
  return await c.submit("/settings", "/settings", {
    _action: "email",
    email,
    currentPassword: PASSWORD,
  });
}

/** The confirmation link's path from the newest mail to `to`. */
function confirmPath(smtp: TestSmtp, to: string): string {
  const mails = smtp.mailsTo(to);
  assert(mails.length > 0, `no mail to ${to}`);
  return new URL(linkIn(mails[mails.length - 1].parsed.text!, "/email-change/")).pathname;
}

Deno.test("email change end to end: link to the new address, notice to the old, old kept until confirmed", async () => {
  await using smtp = await new TestSmtp().start();
  await using t = await openTestApp({ SMTP_URL: smtp.url() });
  t.services.jobs.start();
  const { id, c } = await signedIn(t, "mover", "old@example.ru");
  const openReset = await issueResetToken(t.services, id);

  const res = await askChange(c, "New@Example.ru");
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("location"), "/settings?done=emailSent");
  await t.services.jobs.drain({ timeoutMs: 20_000 });
  assertEquals(await emailOf(t, id), "old@example.ru", "not changed before confirmation");

  // Settings say what is waiting, with resend and cancel.
  const settings = text((await c.page("/settings?done=emailSent")).html);
  assertStringIncludes(settings, "Ждём подтверждения адреса new@example.ru");
  assertStringIncludes(settings, "Отправить письмо ещё раз");
  assertStringIncludes(settings, "Отменить смену адреса");

  // The new address gets the link; the old one a notice (the new address half hidden, no link).
  const confirm = smtp.mailsTo("new@example.ru");
  assertEquals(confirm.length, 1);
  assertEquals(confirm[0].parsed.subject, "Подтвердите новый адрес");
  assertStringIncludes(String(confirm[0].parsed.html), "/email-change/");
  const notice = smtp.mailsTo("old@example.ru");
  assertEquals(notice.length, 1);
  assertEquals(notice[0].parsed.subject, "Запрошена смена адреса");
  assertStringIncludes(notice[0].parsed.text!, "n•••w@example.ru");
  assert(!notice[0].parsed.text!.includes("/email-change/"), "the old address cannot confirm");
  assert(!notice[0].parsed.text!.includes("new@example.ru"));

  const path = confirmPath(smtp, "new@example.ru");
  // Opening the link (what a mail scanner does) changes nothing.
  const viewer = new FormClient(t);
  const page = await viewer.page(path);
  assertEquals(page.res.status, 200);
  assertStringIncludes(
    text(page.html),
    "Подтвердите, что new@example.ru — новый адрес учётной записи mover",
  );
  assertEquals(await emailOf(t, id), "old@example.ru");

  // Confirming works without signing in (a phone's mail app), once.
  const ok = await viewer.post(path, {}, { csrf: page.csrf });
  assertEquals(ok.status, 303);
  assertEquals(ok.headers.get("location"), `${path}?done=1`);
  assertEquals(await emailOf(t, id), "new@example.ru");
  const done = await viewer.page(`${path}?done=1`);
  assertStringIncludes(text(done.html), "Адрес подтверждён");
  // Sessions stay signed in (see core/auth/email_change.ts for why).
  assertEquals((await c.fetch("/settings")).status, 200);
  // The reset link mailed to the old address before the change is dead now.
  assertEquals((await new FormClient(t).page(`/password-reset/${openReset}`)).res.status, 410);
  // Signing in with the new address works.
  assertEquals((await loginThroughForm(new FormClient(t), "new@example.ru")).status, 303);

  const again = await new FormClient(t).page(path);
  assertEquals(again.res.status, 410);
  assertStringIncludes(text(again.html), "Эта ссылка уже использована");
  const replay = await viewer.post(path, {}, { csrf: page.csrf });
  assertEquals(replay.status, 410);
});

Deno.test("email change: another account's session cannot use the link; the address it names stays unchanged", async () => {
  await using smtp = await new TestSmtp().start();
  await using t = await openTestApp({ SMTP_URL: smtp.url() });
  t.services.jobs.start();
  const owner = await signedIn(t, "owner", "owner@example.ru");
  const intruder = await signedIn(t, "intruder", "intruder@example.ru");
  await askChange(owner.c, "owner.new@example.ru");
  await t.services.jobs.drain({ timeoutMs: 20_000 });
  const path = confirmPath(smtp, "owner.new@example.ru");

  const seen = await intruder.c.page(path);
  assertEquals(seen.res.status, 403);
  assertStringIncludes(text(seen.html), "Эта ссылка для другой учётной записи");
  assert(!seen.html.includes("owner.new@example.ru"), "the page does not show the address");
  const post = await intruder.c.post(path, {}, { csrf: seen.csrf });
  assertEquals(post.status, 403);
  assertEquals(await emailOf(t, owner.id), "owner@example.ru");
  assertEquals(await emailOf(t, intruder.id), "intruder@example.ru");

  // The owner's own session confirms.
  const mine = await owner.c.page(path);
  assertEquals(mine.res.status, 200);
  assertEquals((await owner.c.post(path, {}, { csrf: mine.csrf })).status, 303);
  assertEquals(await emailOf(t, owner.id), "owner.new@example.ru");
  assertEquals(await emailOf(t, intruder.id), "intruder@example.ru");
});

Deno.test("email change: an expired link is refused with a clear page; resend gives a new link, cancel kills it", async () => {
  await using smtp = await new TestSmtp().start();
  await using t = await openTestApp({ SMTP_URL: smtp.url() });
  t.services.jobs.start();
  // No address yet: adding the first one is confirmed too (and no notice goes anywhere).
  const { id, c } = await signedIn(t, "firsttimer");
  await askChange(c, "first@example.ru");
  await t.services.jobs.drain({ timeoutMs: 20_000 });
  assertEquals(smtp.mails.length, 1);
  assertEquals(await emailOf(t, id), null);
  const first = confirmPath(smtp, "first@example.ru");

  // 24 hours and a second later (fake time through `now`).
  const token = first.split("/").pop()!;
  await assertRejects(
    () =>
      confirmEmailChange(
        t.services,
        token,
        null,
        { ip: "127.0.0.1" },
        new Date(Date.now() + 86401_000),
      ),
    EmailChangeTokenError,
    "expired",
  );
  await t.services.db.updateTable("email_change_tokens").set({
    expires_at: new Date(Date.now() - 1000),
  })
    .where("user_id", "=", id).execute();
  const expired = await new FormClient(t).page(first);
  assertEquals(expired.res.status, 410);
  assertStringIncludes(
    text(expired.html),
    "Срок действия ссылки истёк: она действует 24\u00a0часа",
  );
  assertStringIncludes(expired.html, 'href="/settings#h-email"');
  assertEquals(await emailOf(t, id), null);
  // Expired: nothing to resend; the settings no longer show it as waiting.
  assert(!text((await c.page("/settings")).html).includes("Ждём подтверждения"));

  // Ask again, then resend: the first link of this round dies, the resent one works.
  await askChange(c, "first@example.ru");
  await t.services.jobs.drain({ timeoutMs: 20_000 });
  const second = confirmPath(smtp, "first@example.ru");
  const resend = await c.submit("/settings", "/settings", { _action: "email-resend" });
  assertEquals(resend.headers.get("location"), "/settings?done=emailResent");
  await t.services.jobs.drain({ timeoutMs: 20_000 });
  const third = confirmPath(smtp, "first@example.ru");
  assert(third !== second);
  assertEquals((await new FormClient(t).page(second)).res.status, 410);
  assertEquals((await new FormClient(t).page(third)).res.status, 200);

  // Cancel: the resent link dies too, and the address never changed.
  const cancel = await c.submit("/settings", "/settings", { _action: "email-cancel" });
  assertEquals(cancel.headers.get("location"), "/settings?done=emailCancelled");
  assertEquals((await new FormClient(t).page(third)).res.status, 410);
  assertEquals(await emailOf(t, id), null);
  assertEquals(
    smtp.mails.length,
    3,
    "three links to the new address, no notice (there was no old one)",
  );
});

Deno.test("email change: an address taken by another account before confirming is refused", async () => {
  await using smtp = await new TestSmtp().start();
  await using t = await openTestApp({ SMTP_URL: smtp.url() });
  t.services.jobs.start();
  const { id, c } = await signedIn(t, "slow", "slow@example.ru");
  await askChange(c, "wanted@example.ru");
  await t.services.jobs.drain({ timeoutMs: 20_000 });
  const path = confirmPath(smtp, "wanted@example.ru");
  // Meanwhile someone registers with it (pending changes do not reserve an address).
  await makeUser(t, "quick", { email: "Wanted@Example.ru" });

  const page = await new FormClient(t).page(path);
  assertEquals(page.res.status, 409);
  assertStringIncludes(text(page.html), "Этот адрес тем временем занят");
  const token = path.split("/").pop()!;
  await assertRejects(
    () => confirmEmailChange(t.services, token, null, { ip: "127.0.0.1" }),
    EmailChangeTokenError,
    "taken",
  );
  assertEquals(await emailOf(t, id), "slow@example.ru");

  // Asking for an address that is taken now is refused at once, neutrally.
  const taken = await askChange(c, "WANTED@example.ru");
  assertEquals(taken.status, 422);
  assertStringIncludes(text(await taken.text()), "Это имя или адрес уже заняты");
});
