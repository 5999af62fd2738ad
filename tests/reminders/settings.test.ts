/**
 * The reminders section of /settings without JavaScript: plain forms that
 * post to /settings/reminders and come back with a notice; a refused form
 * shows its messages in the user's language and keeps what was typed; the
 * limit and duplicates; one user's forms cannot touch another's reminders.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { type Session, signIn } from "../helpers/session.ts";
import { createReminder, listReminders } from "@/core/reminders/reminders.ts";

/** A browser form post (repeated `days` fields), optionally in a language. */
function post(
  t: TestApp,
  who: Session,
  fields: [string, string][],
  lang?: "ru" | "en",
): Promise<Response> {
  const body = new URLSearchParams([...fields, ["_csrf", who.csrf]]);
  return t.fetch("/settings/reminders", {
    method: "POST",
    body,
    redirect: "manual",
    headers: who.headers({
      "content-type": "application/x-www-form-urlencoded",
      ...(lang ? { cookie: `lang=${lang}` } : {}),
    }),
  });
}

const days = (...d: string[]): [string, string][] => d.map((x) => ["days", x]);

Deno.test("settings: the add form (time, weekdays in a fieldset) adds a reminder and comes back with a notice", async () => {
  await using t = await openTestApp();
  const ann = await signIn(t, "set_rem_ann");
  const html = await (await ann.fetch("/settings")).text();
  assertStringIncludes(html, `id="reminders"`);
  assertStringIncludes(html, "Напоминаний пока нет.");
  assertMatch(html, /<fieldset[^>]*id="reminder-add-days"[^>]*>\s*<legend>Дни недели<\/legend>/);
  assertMatch(html, /<label for="reminder-add-time">Время<\/label>/);
  assertEquals(html.match(/name="days"/g)?.length, 7);

  const res = await post(t, ann, [["_action", "add"], ["time", "07:30"], ...days("mon", "wed")]);
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("location"), "/settings?reminder=added#reminders");
  const after = await (await ann.fetch("/settings?reminder=added")).text();
  assertStringIncludes(after, "Напоминание добавлено.");
  assertStringIncludes(after, "07:30, Пн, Ср");
  const list = await listReminders(t.services, { id: ann.id });
  assertEquals(list.map((r) => [r.time, r.days]), [["07:30", ["mon", "wed"]]]);
});

Deno.test("settings: a refused form shows field messages in the user's language and keeps what was typed", async () => {
  await using t = await openTestApp();
  const ann = await signIn(t, "set_rem_err");
  const ru = await post(t, ann, [["_action", "add"], ["time", "25:99"]]);
  assertEquals(ru.status, 422);
  const ruHtml = await ru.text();
  assertStringIncludes(ruHtml, "Укажите время в формате ЧЧ:ММ");
  assertStringIncludes(ruHtml, "Выберите хотя бы один день недели");
  assertStringIncludes(ruHtml, `value="25:99"`);

  const en = await post(t, ann, [["_action", "add"], ["time", ""], ...days("sat", "sun")], "en");
  const enHtml = await en.text();
  assertStringIncludes(enHtml, "Enter the time as HH:MM");
  // The days ticked are still ticked, the others not.
  assertMatch(enHtml, /value="sat" checked/);
  assertMatch(enHtml, /value="sun" checked/);
  assert(!/value="mon" checked/.test(enHtml), "Monday was not ticked");
  assertEquals(await listReminders(t.services, { id: ann.id }), []);
});

Deno.test("settings: duplicates and a sixth reminder are refused; at five the add form gives way to a note", async () => {
  await using t = await openTestApp();
  const ann = await signIn(t, "set_rem_full");
  await createReminder(t.services, { id: ann.id }, { time: "06:00", days: ["mon", "tue"] });
  const dup = await post(t, ann, [["_action", "add"], ["time", "06:00"], ...days("tue", "mon")]);
  assertEquals(dup.status, 409);
  assertStringIncludes(await dup.text(), "Напоминание на это время и эти дни уже есть");
  for (const time of ["07:00", "08:00", "09:00", "10:00"]) {
    await createReminder(t.services, { id: ann.id }, { time, days: ["mon"] });
  }
  const page = await (await ann.fetch("/settings")).text();
  assertStringIncludes(page, "У вас уже 5\u00a0напоминаний");
  assert(!page.includes(`id="reminder-add-time"`), "no add form at five");
  const sixth = await post(t, ann, [["_action", "add"], ["time", "11:00"], ...days("fri")], "en");
  assertEquals(sixth.status, 409);
  assertStringIncludes(await sixth.text(), "You can have at most 5\u00a0reminders");
  assertEquals((await listReminders(t.services, { id: ann.id })).length, 5);
});

Deno.test("settings: switch off, edit and delete a reminder with plain forms", async () => {
  await using t = await openTestApp();
  const ann = await signIn(t, "set_rem_edit");
  const r = await createReminder(t.services, { id: ann.id }, { time: "18:00", days: ["fri"] });
  let res = await post(t, ann, [["_action", "toggle"], ["id", r.id], ["enabled", "off"]]);
  assertEquals(res.headers.get("location"), "/settings?reminder=disabled#reminders");
  // The same form sent twice leaves it off (no flip back).
  await post(t, ann, [["_action", "toggle"], ["id", r.id], ["enabled", "off"]]);
  assertEquals((await listReminders(t.services, { id: ann.id }))[0].enabled, false);

  res = await post(t, ann, [["_action", "save"], ["id", r.id], ["time", "bad"], ...days("sat")]);
  const html = await res.text();
  assertEquals(res.status, 422);
  // The failed edit form is open, with what was typed.
  assertMatch(html, /<details class="reminder__edit" open/);
  assertStringIncludes(html, `value="bad"`);

  res = await post(t, ann, [["_action", "save"], ["id", r.id], ["time", "18:45"], ...days("sat")]);
  assertEquals(res.headers.get("location"), "/settings?reminder=saved#reminders");
  const saved = (await listReminders(t.services, { id: ann.id }))[0];
  assertEquals([saved.time, saved.days, saved.enabled], ["18:45", ["sat"], false]);

  res = await post(t, ann, [["_action", "delete"], ["id", r.id]]);
  assertEquals(res.headers.get("location"), "/settings?reminder=deleted#reminders");
  assertEquals(await listReminders(t.services, { id: ann.id }), []);
});

Deno.test("settings: another user's reminder id is not found for toggle, edit or delete", async () => {
  await using t = await openTestApp();
  const ann = await signIn(t, "set_rem_owner");
  const bob = await signIn(t, "set_rem_other");
  const r = await createReminder(t.services, { id: ann.id }, { time: "05:30", days: ["sun"] });
  for (
    const fields of [
      [["_action", "toggle"], ["id", r.id], ["enabled", "off"]],
      [["_action", "save"], ["id", r.id], ["time", "06:00"], ["days", "mon"]],
      [["_action", "delete"], ["id", r.id]],
    ] as [string, string][][]
  ) {
    const res = await post(t, bob, fields);
    assertEquals(res.status, 404);
    await res.body?.cancel();
  }
  const bobPage = await (await bob.fetch("/settings")).text();
  assert(!bobPage.includes("05:30"), "Bob does not see Ann's reminder");
  const still = await listReminders(t.services, { id: ann.id });
  assertEquals(still.map((x) => [x.time, x.days, x.enabled]), [["05:30", ["sun"], true]]);
});

Deno.test("settings: the reminders page needs a session", async () => {
  await using t = await openTestApp();
  const res = await t.fetch("/settings/reminders", { redirect: "manual" });
  assertEquals(res.status, 303);
  assertStringIncludes(res.headers.get("location") ?? "", "/login");
});
