import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { FormClient, loginThroughForm, makeUser, PASSWORD, text } from "./helpers.ts";
import { deleteAccount } from "@/core/auth/account.ts";
import { ForbiddenError } from "@/core/auth/guards.ts";
import { assertRejects } from "../helpers/assert.ts";
import { loadSessionUser } from "@/core/auth/session.ts";
import { hashPassword } from "@/core/auth/password.ts";
import { seedDemo } from "@/core/demo/seed.ts";

async function signedIn(t: Parameters<typeof makeUser>[0], username: string, email?: string) {
  await makeUser(t, username, { email });
  const c = new FormClient(t);
  assertEquals((await loginThroughForm(c, username)).status, 303);
  return c;
}

const userRow = (t: Parameters<typeof makeUser>[0], username: string) =>
  t.services.db.selectFrom("users").selectAll().where("username", "=", username)
    .executeTakeFirst();

Deno.test("settings: change the email (needs the password, then the emailed link); empty removes it; taken is neutral", async () => {
  await using t = await openTestApp();
  await makeUser(t, "other", { email: "other@example.ru" });
  const c = await signedIn(t, "mailer", "old@example.ru");
  const page = await c.page("/settings");
  assertStringIncludes(page.html, 'value="old@example.ru"');
  assert(!page.html.includes("other@example.ru"), "only one's own data is shown");

  const wrong = await c.post("/settings", {
    _action: "email",
    email: "new@example.ru",
    currentPassword: "Nope12345",
  }, { csrf: page.csrf });
  assertEquals(wrong.status, 422);
  const html = text(await wrong.text());
  assertStringIncludes(html, "Неверный текущий пароль");
  assertStringIncludes(html, 'value="new@example.ru"', "the typed email is kept");
  assertEquals((await userRow(t, "mailer"))!.email, "old@example.ru");

  const taken = await c.post("/settings", {
    _action: "email",
    email: "OTHER@example.ru",
    currentPassword: PASSWORD,
  }, { csrf: page.csrf });
  assertEquals(taken.status, 422);
  assertStringIncludes(text(await taken.text()), "Это имя или адрес уже заняты");

  const ok = await c.post("/settings", {
    _action: "email",
    email: "New@Example.ru",
    currentPassword: PASSWORD,
  }, { csrf: page.csrf });
  assertEquals(ok.status, 303);
  assertEquals(ok.headers.get("location"), "/settings?done=emailSent");
  // Not yet: the new address is confirmed from its mail (tests/email/change.test.ts).
  assertEquals((await userRow(t, "mailer"))!.email, "old@example.ru");
  const pending = await t.services.db.selectFrom("email_change_tokens").selectAll().execute();
  assertEquals(pending.map((p) => p.new_email), ["new@example.ru"]);
  assertEquals((await userRow(t, "other"))!.email, "other@example.ru", "nobody else changed");

  const removed = await c.post("/settings", {
    _action: "email",
    email: "",
    currentPassword: PASSWORD,
  }, { csrf: page.csrf });
  assertEquals(removed.status, 303);
  assertEquals((await userRow(t, "mailer"))!.email, null);
});

Deno.test("settings: change the username; a taken one is an error on the field", async () => {
  await using t = await openTestApp();
  await makeUser(t, "occupied");
  const c = await signedIn(t, "renamer");
  const taken = await c.submit("/settings", "/settings", {
    _action: "username",
    username: "Occupied",
  });
  assertEquals(taken.status, 422);
  const html = text(await taken.text());
  assertStringIncludes(html, 'id="username-username-error"');
  assertStringIncludes(html, "Это имя уже занято");
  const bad = await c.submit("/settings", "/settings", { _action: "username", username: "no way" });
  assertEquals(bad.status, 422);
  assertStringIncludes(text(await bad.text()), "латинские буквы, цифры и _");

  const ok = await c.submit("/settings", "/settings", { _action: "username", username: "Renamed" });
  assertEquals(ok.status, 303);
  assert(await userRow(t, "renamed"));
  // The session follows the account, not the name.
  const after = await c.page("/settings?done=username");
  assertEquals(after.res.status, 200);
  assertStringIncludes(after.html, "Имя пользователя изменено");
  assertEquals((await loginThroughForm(new FormClient(t), "renamed")).status, 303);
});

Deno.test("username availability API: signed-in only, validated, limited", async () => {
  await using t = await openTestApp();
  await makeUser(t, "existing_one");
  const visitor = await t.fetch("/api/v1/users/username-available?u=abc");
  assertEquals(visitor.status, 401);
  assertEquals((await visitor.json()).error, "unauthenticated");

  const s = await signIn(t, "checker");
  const ask = async (u: string) => {
    const res = await s.fetch(`/api/v1/users/username-available?u=${encodeURIComponent(u)}`);
    return { status: res.status, body: await res.json() };
  };
  assertEquals(await ask("Free_Name"), {
    status: 200,
    body: { username: "free_name", available: true, current: false },
  });
  assertEquals((await ask("existing_one")).body.available, false);
  assertEquals((await ask("checker")).body, {
    username: "checker",
    available: true,
    current: true,
  });
  const bad = await ask("a b");
  assertEquals(bad.status, 400);
  assertEquals(bad.body.error, "invalid");
  assertStringIncludes(bad.body.fields.u, "От 3 до 32\u00a0символов");

  for (let i = 0; i < 57; i++) {
    await (await s.fetch("/api/v1/users/username-available?u=abc")).body?.cancel();
  }
  const limited = await s.fetch("/api/v1/users/username-available?u=abc");
  assertEquals(limited.status, 429);
  assert(Number(limited.headers.get("retry-after")) > 0);
  assertEquals((await limited.json()).error, "rate_limited");
});

Deno.test("settings: language is saved to the account and the cookie", async () => {
  await using t = await openTestApp();
  const c = await signedIn(t, "polyglot");
  const res = await c.submit("/settings", "/settings", { _action: "locale", locale: "en" });
  assertEquals(res.status, 303);
  assertEquals(c.cookies.get("lang"), "en");
  assertEquals((await userRow(t, "polyglot"))!.locale, "en");
  const page = await c.page("/settings?done=locale");
  assertStringIncludes(page.html, "Language saved.");
  assertStringIncludes(page.html, '<html lang="en">');
  // Without the cookie (another device) the account's language applies.
  c.cookies.delete("lang");
  assertStringIncludes((await c.page("/settings")).html, "<h1>Settings</h1>");

  const bad = await c.submit("/settings", "/settings", { _action: "locale", locale: "de" });
  assertEquals(bad.status, 422);
  assertEquals((await userRow(t, "polyglot"))!.locale, "en");
  const unknown = await c.submit("/settings", "/settings", { _action: "hack" });
  assertEquals(unknown.status, 400);
});

Deno.test("settings: a learner deletes their account with the password; staff cannot", async () => {
  await using t = await openTestApp();
  const c = await signedIn(t, "goodbye", "bye@example.ru");
  const id = (await userRow(t, "goodbye"))!.id;
  await t.services.db.insertInto("pets").values({
    id: crypto.randomUUID(),
    owner_id: id,
    name: "Rex",
  }).execute();
  // Files of this user, and of someone else with a similar id prefix.
  const storage = t.services.storage;
  const bytes = new Uint8Array([1, 2, 3]);
  const mine = [`users/${id}/avatar/a1.jpg`, `users/${id}/pets/p1/b2.jpg`, `exams/${id}/s1/v.webm`];
  const othersKey = `users/${id.slice(0, -1)}x/avatar/keep.jpg`;
  for (const key of [...mine, othersKey]) {
    await storage.put(key, bytes, { contentType: "application/octet-stream" });
  }

  const wrong = await c.submit("/settings", "/settings", {
    _action: "delete",
    currentPassword: "Nope12345",
  });
  assertEquals(wrong.status, 422);
  assertStringIncludes(text(await wrong.text()), 'id="delete-currentPassword-error"');
  assert(await userRow(t, "goodbye"), "still there");

  const res = await c.submit("/settings", "/settings", {
    _action: "delete",
    currentPassword: PASSWORD,
  });
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("location"), "/login?deleted=1");
  assert(!c.signedIn());
  assertEquals(await userRow(t, "goodbye"), undefined);
  const pets = await t.services.db.selectFrom("pets").select("id").where("owner_id", "=", id)
    .execute();
  assertEquals(pets.length, 0, "what belonged to the account went with it");
  for (const key of mine) assertEquals(await storage.head(key), null, `${key} is deleted`);
  assert(await storage.head(othersKey), "another user's files stay");
  const notice = await c.page("/login?deleted=1");
  assertStringIncludes(notice.html, "Учётная запись удалена");
  // The account cannot sign in any more.
  assertEquals((await loginThroughForm(new FormClient(t), "bye@example.ru")).status, 401);

  const trainer = await signIn(t, "coach", "TRAINER");
  const page = await trainer.fetch("/settings");
  const html = text(await page.text());
  assertStringIncludes(html, "Учётные записи тренеров и сотрудников удаляет администратор");
  assert(!html.includes('value="delete"'), "no delete form for staff");
  const forced = await trainer.post("/settings", { _action: "delete", currentPassword: PASSWORD });
  assertEquals(forced.status, 403);
  assert(await userRow(t, "coach"), "the trainer is still there");
  const actor = await loadSessionUser(
    t.services,
    trainer.cookie.slice(trainer.cookie.indexOf("=") + 1),
  );
  await assertRejects(
    () => deleteAccount(t.services, actor, { currentPassword: PASSWORD }),
    ForbiddenError,
  );
});

Deno.test("settings: a visitor is sent to login; the action only ever touches the actor", async () => {
  await using t = await openTestApp();
  const visitor = await t.fetch("/settings");
  assertEquals(visitor.status, 303);
  assertEquals(visitor.headers.get("location"), "/login?next=%2Fsettings");

  await makeUser(t, "bystander", { email: "by@example.ru" });
  const c = await signedIn(t, "actor");
  const bystanderId = (await userRow(t, "bystander"))!.id;
  // Extra fields naming another user are ignored: the acting user is the session's.
  const res = await c.submit("/settings", "/settings", {
    _action: "email",
    email: "actor@example.ru",
    currentPassword: PASSWORD,
    userId: bystanderId,
    id: bystanderId,
  });
  assertEquals(res.status, 303);
  assertEquals((await userRow(t, "bystander"))!.email, "by@example.ru");
  // The change waits for confirmation, and it is the actor's.
  const pending = await t.services.db.selectFrom("email_change_tokens").selectAll().execute();
  assertEquals(pending.map((p) => [p.user_id, p.new_email]), [[
    (await userRow(t, "actor"))!.id,
    "actor@example.ru",
  ]]);
});

Deno.test("settings: an account that still authors courses is not deleted, and says why", async () => {
  await using t = await openTestApp();
  await seedDemo(t.services.db, { print: () => {} });
  // A former trainer, now a learner, whose courses still exist.
  await t.services.db.updateTable("users")
    .set({ role: "USER", password_hash: await hashPassword(PASSWORD) })
    .where("username", "=", "trainer").execute();
  const c = new FormClient(t);
  assertEquals((await loginThroughForm(c, "trainer")).status, 303);
  const res = await c.submit("/settings", "/settings", {
    _action: "delete",
    currentPassword: PASSWORD,
  });
  assertEquals(res.status, 409);
  assertStringIncludes(text(await res.text()), "Учётная запись ещё владеет курсами или видео");
  assert(await userRow(t, "trainer"), "nothing was deleted");
  assert(c.signedIn());
});

Deno.test("settings: the time zone form works without JavaScript and changes the zone achievements use", async () => {
  await using t = await openTestApp();
  const c = await signedIn(t, "traveller");
  const before = await c.page("/achievements");
  assertStringIncludes(text(before.html), "Europe/Moscow");
  assertStringIncludes(
    before.html,
    'href="/settings#h-time-zone"',
    "the link leads to the control",
  );

  const page = await c.page("/settings");
  // A plain form: a select of every zone, the current one selected, posting to /settings.
  const form =
    /<form[^>]*action="\/settings"[^>]*>(?:(?!<\/form>)[\s\S])*name="_action" value="time-zone"(?:(?!<\/form>)[\s\S])*<\/form>/
      .exec(page.html)?.[0] ?? "";
  assertStringIncludes(form, '<select id="time-zone-timeZone" name="timeZone"');
  assertStringIncludes(form, '<option value="Europe/Moscow" selected>');
  assertStringIncludes(form, '<option value="Asia/Vladivostok">');
  assertStringIncludes(form, '<option value="UTC">');

  const ok = await c.post("/settings", { _action: "time-zone", timeZone: "Asia/Vladivostok" }, {
    csrf: page.csrf,
  });
  assertEquals(ok.status, 303);
  assertEquals(ok.headers.get("location"), "/settings?done=timeZone");
  assertEquals((await userRow(t, "traveller"))!.time_zone, "Asia/Vladivostok");
  const after = await c.page("/settings?done=timeZone");
  assertStringIncludes(text(after.html), "Часовой пояс сохранён.");
  assertStringIncludes(after.html, '<option value="Asia/Vladivostok" selected>');
  assert(!after.html.includes("TimeZoneGuess"), "a chosen zone is not overridden by the browser's");
  const achievements = text((await c.page("/achievements")).html);
  assertStringIncludes(achievements, "Дни считаются по вашему часовому поясу: Asia/Vladivostok.");
});

Deno.test("settings: an unknown time zone gets 422 with a field message in ru and en; nothing is saved", async () => {
  await using t = await openTestApp();
  const c = await signedIn(t, "zoneless");
  const messages = [
    ["ru", "Выберите часовой пояс из списка"],
    ["en", "Choose a time zone from the list"],
  ] as const;
  for (const [lang, message] of messages) {
    // The account's language decides the page's.
    await t.services.db.updateTable("users").set({ locale: lang })
      .where("username", "=", "zoneless").execute();
    const { csrf } = await c.page("/settings");
    const res = await c.post("/settings", { _action: "time-zone", timeZone: "Mars/Olympus_Mons" }, {
      csrf,
    });
    assertEquals(res.status, 422, lang);
    const html = await res.text();
    assertStringIncludes(html, 'id="time-zone-timeZone-error"', lang);
    assertStringIncludes(text(html), message, lang);
  }
  assertEquals((await userRow(t, "zoneless"))!.time_zone, "Europe/Moscow");
});
