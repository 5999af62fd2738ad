/**
 * Who may use the admin console: admins act; moderators see every page with
 * no forms to change anything, and their POSTs are refused; learners and
 * trainers are refused every page.
 */
import { assertEquals } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import {
  opsAuditCsvPath,
  opsAuditPath,
  opsBroadcastsPath,
  opsUserDeletePath,
  opsUserPath,
  opsUsersPath,
} from "@/core/paths.ts";
import { postForms } from "./helpers.ts";

async function setup() {
  const t = await openTestApp();
  const admin = await signIn(t, "acc_admin", "ADMIN");
  const target = await signIn(t, "acc_target");
  const draft = await admin.post(opsBroadcastsPath(), {
    titleRu: "Заголовок",
    bodyRu: "Текст",
    segment: "all",
  });
  const broadcast = draft.headers.get("location")!;
  return { t, admin, target, broadcast };
}

Deno.test("a moderator sees the users, audit and broadcasts pages read-only: no forms, POST refused", async () => {
  const { t, admin, target, broadcast } = await setup();
  try {
    const mod = await signIn(t, "acc_mod", "MODERATOR");
    const off = await signIn(t, "acc_off");
    await t.services.db.updateTable("users").set({ disabled_at: new Date() })
      .where("id", "=", off.id).execute();
    const adminPage = await (await admin.fetch(opsUserPath(target.id))).text();
    assertEquals(postForms(adminPage) >= 3, true, "the admin gets the action forms");

    for (
      const path of [
        opsUsersPath(),
        opsUserPath(target.id),
        opsAuditPath(),
        opsBroadcastsPath(),
        broadcast,
      ]
    ) {
      const res = await mod.fetch(path);
      assertEquals(res.status, 200, path);
      assertEquals(postForms(await res.text()), 0, `no POST forms on ${path}`);
    }
    assertEquals((await mod.fetch(opsAuditCsvPath())).status, 200);
    const confirm = await mod.fetch(opsUserDeletePath(target.id));
    assertEquals(confirm.status, 403, "not even the delete question");
    await confirm.body?.cancel();

    const posts: [string, Record<string, string>][] = [
      [opsUserPath(target.id), { _action: "role", role: "ADMIN" }],
      [opsUserPath(target.id), { _action: "disable" }],
      [opsUserPath(off.id), { _action: "enable" }],
      [opsUserPath(target.id), { _action: "reset" }],
      [opsUserDeletePath(target.id), {}],
      [opsBroadcastsPath(), { titleRu: "x", bodyRu: "y", segment: "all" }],
      [broadcast, { _action: "send" }],
      [broadcast, { _action: "discard" }],
    ];
    for (const [path, fields] of posts) {
      const res = await mod.post(path, fields);
      assertEquals(res.status, 403, `${path} ${JSON.stringify(fields)}`);
      await res.body?.cancel();
    }
    const row = await t.services.db.selectFrom("users").select(["role", "disabled_at"])
      .where("id", "=", target.id).executeTakeFirstOrThrow();
    assertEquals([row.role, row.disabled_at], ["USER", null]);
    const stillOff = await t.services.db.selectFrom("users").select("disabled_at")
      .where("id", "=", off.id).executeTakeFirstOrThrow();
    assertEquals(stillOff.disabled_at !== null, true, "not enabled by a moderator");
    const b = await t.services.db.selectFrom("broadcasts").select("status").execute();
    assertEquals(b.map((x) => x.status), ["draft"], "the draft stays, nothing new");
    assertEquals(
      (await t.services.db.selectFrom("audit_log").selectAll().execute()).length,
      0,
      "nothing recorded: nothing happened",
    );
  } finally {
    await t.close();
  }
});

Deno.test("learners and trainers are refused (403) on every page of the console, GET and POST", async () => {
  const { t, target, broadcast } = await setup();
  try {
    const paths = [
      opsUsersPath(),
      opsUserPath(target.id),
      opsUserDeletePath(target.id),
      opsAuditPath(),
      opsAuditCsvPath(),
      opsBroadcastsPath(),
      broadcast,
    ];
    for (const role of ["USER", "TRAINER"] as const) {
      const who = await signIn(t, `acc_${role.toLowerCase()}`, role);
      for (const path of paths) {
        const get = await who.fetch(path);
        assertEquals(get.status, 403, `${role} GET ${path}`);
        await get.body?.cancel();
        const post = await who.post(path, { _action: "disable" });
        assertEquals(post.status, 403, `${role} POST ${path}`);
        await post.body?.cancel();
      }
    }
    // Signed out: sent to the login page.
    const anon = await t.fetch(opsUsersPath());
    assertEquals([302, 303].includes(anon.status), true);
    await anon.body?.cancel();
  } finally {
    await t.close();
  }
});
