/**
 * /ops/users: search and filters, one user's page, and the admin's actions —
 * each ends sessions where it must, goes through the same core functions as
 * the CLI, and is written to the audit log with actor and target.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { FakeTelegram } from "../helpers/fake_telegram.ts";
import { FormClient, loginThroughForm } from "../auth/helpers.ts";
import { TestSmtp } from "../email/smtp.ts";
import { SYSTEM } from "@/core/auth/guards.ts";
import { setUserRole } from "@/core/user_admin.ts";
import { opsUserDeletePath, opsUserPath, opsUsersPath } from "@/core/paths.ts";
import { newId } from "@/platform/ids.ts";
import { auditAbout, signedIn } from "./helpers.ts";

Deno.test("a role change ends the user's sessions at once and is audited with actor and target", async () => {
  await using t = await openTestApp();
  const admin = await signIn(t, "adm_role", "ADMIN");
  const learner = await signIn(t, "learner_role");
  assert(await signedIn(t, learner));

  const res = await admin.post(opsUserPath(learner.id), { _action: "role", role: "TRAINER" });
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("location"), opsUserPath(learner.id, "role"));
  assertEquals(await signedIn(t, learner), false, "the old cookie is refused");
  const row = await t.services.db.selectFrom("users").select("role").where("id", "=", learner.id)
    .executeTakeFirstOrThrow();
  assertEquals(row.role, "TRAINER");

  const [entry] = await auditAbout(t, learner.id);
  assertEquals([entry.action, entry.actor_id, entry.actor_name], [
    "user.role",
    admin.id,
    "adm_role",
  ]);
  assertEquals(entry.details, { username: "learner_role", from: "USER", to: "TRAINER" });

  // Shown on the user's page and on /ops/audit.
  const page = await (await admin.fetch(opsUserPath(learner.id, "role"))).text();
  assertStringIncludes(page, "Роль изменена");
  assertStringIncludes(page, 'data-action="user.role"');
  assertStringIncludes(page, "USER → TRAINER");
  const audit = await (await admin.fetch("/ops/audit")).text();
  assertStringIncludes(audit, 'data-action="user.role"');
  assertStringIncludes(audit, "adm_role");
  assertStringIncludes(audit, `href="${opsUserPath(learner.id)}"`);
});

Deno.test("disable ends the sessions and refuses sign-in; enable lets the user sign in again", async () => {
  await using t = await openTestApp();
  const admin = await signIn(t, "adm_dis", "ADMIN");
  const learner = await signIn(t, "learner_dis");

  assertEquals((await admin.post(opsUserPath(learner.id), { _action: "disable" })).status, 303);
  assertEquals(await signedIn(t, learner), false);
  const refused = await loginThroughForm(new FormClient(t), "learner_dis");
  assert(refused.status !== 303, "a disabled account cannot sign in");

  assertEquals((await admin.post(opsUserPath(learner.id), { _action: "enable" })).status, 303);
  const c = new FormClient(t);
  assertEquals((await loginThroughForm(c, "learner_dis")).status, 303);
  const settings = await c.page("/settings");
  assertEquals(settings.res.status, 200);
  assertEquals(await signedIn(t, learner), false, "enabling does not revive old sessions");

  const actions = (await auditAbout(t, learner.id)).map((e) => [e.action, e.actor_name]);
  assertEquals(actions, [["user.disable", "adm_dis"], ["user.enable", "adm_dis"]]);
});

Deno.test("the CLI's changes are audited too, as the system", async () => {
  await using t = await openTestApp();
  const learner = await signIn(t, "learner_cli");
  await setUserRole(t.services, SYSTEM, "learner_cli", "MODERATOR");
  const [entry] = await auditAbout(t, learner.id);
  assertEquals([entry.action, entry.actor_id, entry.actor_name], ["user.role", null, "system"]);
  assertEquals(await signedIn(t, learner), false);
});

Deno.test("search by username, email or Telegram chat id; filters by role, state and link; paginated", async () => {
  await using t = await openTestApp();
  const admin = await signIn(t, "adm_search", "ADMIN");
  // Straight into the table: 55 password hashes would only slow the test down.
  await t.services.db.insertInto("users").values(
    Array.from({ length: 55 }, (_, i) => ({
      id: newId(Date.now() + i),
      username: `bulk_${String(i).padStart(2, "0")}`,
      password_hash: "x",
      created_at: new Date(Date.now() + i),
    })),
  ).execute();
  const tg = await signIn(t, "tg_person");
  await t.services.db.updateTable("users").set({ telegram_chat_id: 987654, email: "tg@example.ru" })
    .where("id", "=", tg.id).execute();
  const off = await signIn(t, "off_person", "TRAINER");
  await t.services.db.updateTable("users").set({ disabled_at: new Date() })
    .where("id", "=", off.id).execute();

  const list = async (q: Record<string, string>) => {
    const page = await (await admin.fetch(opsUsersPath(q))).text();
    return {
      total: Number(page.match(/data-total="(\d+)"/)![1]),
      users: [...page.matchAll(/data-user="([^"]+)"/g)].map((m) => m[1]),
      page,
    };
  };
  assertEquals((await list({ q: "987654" })).users, ["tg_person"]);
  assertEquals((await list({ q: "tg@example" })).users, ["tg_person"]);
  assertEquals((await list({ q: "OFF_PER" })).users, ["off_person"]);
  assertEquals((await list({ telegram: "linked" })).users, ["tg_person"]);
  assertEquals((await list({ state: "disabled" })).users, ["off_person"]);
  assertEquals((await list({ role: "TRAINER" })).users, ["off_person"]);
  const first = await list({ q: "bulk_" });
  assertEquals([first.total, first.users.length], [55, 50]);
  assertStringIncludes(first.page, "offset=50");
  const second = await list({ q: "bulk_", offset: "50" });
  assertEquals(second.users, ["bulk_50", "bulk_51", "bulk_52", "bulk_53", "bulk_54"]);
  // An accessible table: a caption and column headers.
  assertStringIncludes(first.page, "<caption");
  assertStringIncludes(first.page, 'scope="col"');
});

Deno.test("a user's page shows their courses, activity and audit entries", async () => {
  await using t = await openTestApp();
  const admin = await signIn(t, "adm_page", "ADMIN");
  const trainer = await signIn(t, "trainer_page", "TRAINER");
  const learner = await signIn(t, "learner_page");
  await t.services.db.insertInto("courses").values({
    id: crypto.randomUUID(),
    slug: "page-course",
    name: "Курс страницы",
    author_id: trainer.id,
  }).execute();
  const course = await t.services.db.selectFrom("courses").select("id")
    .where("slug", "=", "page-course").executeTakeFirstOrThrow();
  await t.services.db.insertInto("user_courses").values({
    user_id: learner.id,
    course_id: course.id,
    status: "IN_PROGRESS",
    started_at: new Date(),
  }).execute();
  const page = await (await admin.fetch(opsUserPath(learner.id))).text();
  assertStringIncludes(page, "Курс страницы");
  assertStringIncludes(page, "В процессе");
  assertStringIncludes(page, "Не привязан");
  // Trainers cannot be deleted while they author a course: said, not done.
  const del = await admin.post(opsUserDeletePath(trainer.id), {});
  assertEquals(del.status, 409);
  assert(
    await t.services.db.selectFrom("users").select("id").where("id", "=", trainer.id)
      .executeTakeFirst(),
  );
});

Deno.test("delete goes through the confirmation page and the CLI's erasure path, and is audited", async () => {
  await using t = await openTestApp();
  const admin = await signIn(t, "adm_del", "ADMIN");
  const learner = await signIn(t, "learner_del");
  await t.services.storage.put(`users/${learner.id}/avatar/a.png`, new Uint8Array([1, 2, 3]), {
    contentType: "image/png",
  });
  const confirm = await (await admin.fetch(opsUserDeletePath(learner.id))).text();
  assertStringIncludes(confirm, "Удалить пользователя learner_del?");
  assertStringIncludes(confirm, `action="${opsUserDeletePath(learner.id)}"`);

  const res = await admin.post(opsUserDeletePath(learner.id), {});
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("location"), `${opsUsersPath()}?deleted=learner_del`);
  assertEquals(
    await t.services.db.selectFrom("users").select("id").where("id", "=", learner.id)
      .executeTakeFirst(),
    undefined,
  );
  assertEquals((await t.services.storage.list(`users/${learner.id}/`)).length, 0);
  const [entry] = await auditAbout(t, learner.id);
  assertEquals([entry.action, entry.actor_name], ["user.delete", "adm_del"]);
  assertEquals(entry.details, { username: "learner_del", filesDeleted: 1 });
  const list = await (await admin.fetch(`${opsUsersPath()}?deleted=learner_del`)).text();
  assertStringIncludes(list, "Пользователь удалён: learner_del.");
});

Deno.test("a reset link goes to Telegram when linked, else by email; the admin sees the channel, never the link", async () => {
  await using smtp = await new TestSmtp().start();
  await using fake = new FakeTelegram();
  await using t = await openTestApp(fake.env({ SMTP_URL: smtp.url() }));
  t.services.jobs.start();
  const admin = await signIn(t, "adm_reset", "ADMIN");
  const linked = await signIn(t, "linked_reset");
  const mailed = await signIn(t, "mailed_reset");
  const nowhere = await signIn(t, "nowhere_reset");
  await t.services.db.updateTable("users")
    .set({ telegram_chat_id: 5551, email: "linked@example.ru" })
    .where("id", "=", linked.id).execute();
  await t.services.db.updateTable("users").set({ email: "mailed@example.ru" })
    .where("id", "=", mailed.id).execute();

  const viaTelegram = await admin.post(opsUserPath(linked.id), { _action: "reset" });
  assertEquals(viaTelegram.headers.get("location"), opsUserPath(linked.id, "reset.telegram"));
  const viaEmail = await admin.post(opsUserPath(mailed.id), { _action: "reset" });
  assertEquals(viaEmail.headers.get("location"), opsUserPath(mailed.id, "reset.email"));
  const none = await admin.post(opsUserPath(nowhere.id), { _action: "reset" });
  assertEquals(none.status, 409);
  assertStringIncludes(await none.text(), "Ссылку некуда отправить");
  await t.services.jobs.drain({ timeoutMs: 20_000 });

  assertEquals(fake.messagesTo(5551).length, 1);
  assertEquals(smtp.mailsTo("linked@example.ru").length, 0);
  assertEquals(smtp.mailsTo("mailed@example.ru").length, 1);
  const page = await (await admin.fetch(opsUserPath(linked.id, "reset.telegram"))).text();
  assertStringIncludes(page, "отправлена в Telegram");
  assert(!page.includes("/password-reset/"), "the link is never shown to the admin");
  const [entry] = await auditAbout(t, linked.id);
  assertEquals([entry.action, entry.actor_name], ["user.reset_link", "adm_reset"]);
  assertEquals(entry.details, { username: "linked_reset", channel: "telegram" });
  assert(!JSON.stringify(entry.details).includes("password-reset"));
});

Deno.test("the audit log downloads as CSV with every entry", async () => {
  await using t = await openTestApp();
  const admin = await signIn(t, "adm_csv", "ADMIN");
  const a = await signIn(t, "csv_a");
  const b = await signIn(t, "csv_b");
  await admin.post(opsUserPath(a.id), { _action: "disable" });
  await admin.post(opsUserPath(b.id), { _action: "role", role: "TRAINER" });
  const res = await admin.fetch("/ops/audit.csv");
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "text/csv; charset=utf-8");
  assertStringIncludes(res.headers.get("content-disposition") ?? "", "attachment;");
  const lines = (await res.text()).replace(/^\uFEFF/, "").trim().split("\r\n");
  assertEquals(lines[0], "created_at,actor_id,actor_name,action,target_user_id,details");
  assertEquals(lines.length, 3);
  assertStringIncludes(lines[1], `${admin.id},adm_csv,user.disable,${a.id}`);
  assertStringIncludes(lines[2], `${admin.id},adm_csv,user.role,${b.id}`);
  assertStringIncludes(lines[2], '""to"":""TRAINER""');
});
