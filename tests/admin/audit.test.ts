/**
 * Every change an admin makes in the console leaves one audit entry with
 * who, what, about whom and when — role change, disable, enable, reset
 * link, delete, a broadcast sent and a draft discarded — shown on
 * /ops/audit, on the user's page, and in the CSV export.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { signIn } from "../helpers/session.ts";
import { linked, openTelegramApp } from "../telegram/helpers.ts";
import { AUDIT_ACTIONS } from "@/core/audit.ts";
import {
  opsAuditCsvPath,
  opsAuditPath,
  opsBroadcastsPath,
  opsUserDeletePath,
  opsUserPath,
} from "@/core/paths.ts";

Deno.test("each admin action of the console is audited once, with actor, target and time, and shown", async () => {
  await using h = await openTelegramApp();
  const { t } = h;
  const admin = await signIn(t, "aud_admin", "ADMIN");
  const target = await linked(t, "aud_target", 7070);
  const doomed = await signIn(t, "aud_doomed");
  const started = new Date(Date.now() - 1000);

  const ok = async (path: string, fields: Record<string, string>) => {
    const res = await admin.post(path, fields);
    assertEquals(res.status, 303, `${path} ${JSON.stringify(fields)}`);
    await res.body?.cancel();
    return res.headers.get("location")!;
  };
  await ok(opsUserPath(target.id), { _action: "role", role: "TRAINER" });
  await ok(opsUserPath(target.id), { _action: "disable" });
  await ok(opsUserPath(target.id), { _action: "enable" });
  await ok(opsUserPath(target.id), { _action: "reset" });
  await ok(opsUserDeletePath(doomed.id), {});
  const sent = await ok(opsBroadcastsPath(), { titleRu: "Всем", bodyRu: "Текст", segment: "all" });
  await ok(sent, { _action: "send" });
  const dropped = await ok(opsBroadcastsPath(), {
    titleRu: "Черновик",
    bodyRu: "Не нужен",
    segment: "all",
  });
  await ok(dropped, { _action: "discard" });
  // Discarding again (a double click) changes nothing and records nothing.
  await ok(dropped, { _action: "discard" });

  const entries = await t.services.db.selectFrom("audit_log").selectAll().orderBy("id").execute();
  assertEquals(entries.map((e) => [e.action, e.target_user_id]), [
    ["user.role", target.id],
    ["user.disable", target.id],
    ["user.enable", target.id],
    ["user.reset_link", target.id],
    ["user.delete", doomed.id],
    ["broadcast.send", null],
    ["broadcast.discard", null],
  ]);
  for (const e of entries) {
    assertEquals([e.actor_id, e.actor_name], [admin.id, "aud_admin"], e.action);
    assert(e.created_at >= started && e.created_at <= new Date(), e.action);
  }
  assertEquals(entries[6].details, {
    broadcastId: dropped.split("/").pop()!,
    segment: { kind: "all" },
    title: "Черновик",
  });
  // Every kind of entry the log knows was made by this console run.
  assertEquals(
    [...new Set(entries.map((e) => e.action))].sort(),
    AUDIT_ACTIONS.filter((a) => a !== "user.create").sort(),
  );

  const page = await (await admin.fetch(opsAuditPath())).text();
  for (const e of entries) assertStringIncludes(page, `data-action="${e.action}"`);
  assertStringIncludes(page, "Черновик рассылки удалён");
  const own = await (await admin.fetch(opsUserPath(target.id))).text();
  for (const a of ["user.role", "user.disable", "user.enable", "user.reset_link"]) {
    assertStringIncludes(own, `data-action="${a}"`);
  }
  const csv = await (await admin.fetch(opsAuditCsvPath())).text();
  assertEquals(csv.trim().split("\n").length, 1 + entries.length);
  assertStringIncludes(csv, "broadcast.discard");
});
