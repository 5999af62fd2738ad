/**
 * A broadcast's length: the form states the limits (maxlength, the hint, a
 * live counter), the server refuses longer text with a field message in
 * the admin's language and gives the form back as typed, counts a line
 * break the way the browser's maxlength does (one character, though the
 * form sends two), and a broadcast at the limits reaches Telegram and Web
 * Push whole, without the clipping both apply to longer text.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { signIn } from "../helpers/session.ts";
import { linked, openTelegramApp } from "../telegram/helpers.ts";
import { openTestApp } from "../helpers/app.ts";
import { BODY_MAX, runBroadcast, TITLE_MAX } from "@/core/broadcasts.ts";
import { pushPayload } from "@/core/push/deliver.ts";
import { MAX_PLAINTEXT_BYTES } from "@/core/push/encrypt.ts";
import type { TelegramJob } from "@/core/telegram/outbox.ts";
import { opsBroadcastsPath } from "@/core/paths.ts";

/** The textarea's content on a page (HTML-escaped text between its tags). */
function textarea(html: string, name: string): string | undefined {
  return new RegExp(`<textarea[^>]*name="${name}"[^>]*>([^<]*)</textarea>`).exec(html)?.[1];
}

Deno.test("the form shows the limits: maxlength, the hint with the number and the counter island", async () => {
  await using t = await openTestApp();
  const admin = await signIn(t, "len_admin", "ADMIN");
  const page = await (await admin.fetch(opsBroadcastsPath())).text();
  assertEquals(BODY_MAX, 180);
  assertEquals(TITLE_MAX, 100);
  for (const lang of ["Ru", "En"]) {
    assert(new RegExp(`<textarea[^>]*name="body${lang}"[^>]*maxlength="180"`).test(page), lang);
    assert(new RegExp(`<input[^>]*maxlength="100"[^>]*name="title${lang}"`).test(page), lang);
  }
  assertStringIncludes(page, "До 180\u00a0знаков: столько push-уведомления и\u00a0Telegram");
  assertStringIncludes(page, "CharCounter");
});

Deno.test("too long: 422 with the field's message in the admin's language, and the form comes back as typed", async () => {
  await using t = await openTestApp();
  const admin = await signIn(t, "len_admin", "ADMIN");
  const long = "Щенок ".repeat(40).trim(); // 239 characters
  const fields = {
    titleRu: "Заголовок",
    bodyRu: long,
    titleEn: "Title",
    bodyEn: "Fine",
    url: "/courses",
    segment: "inactive",
    days: "45",
  };
  const res = await admin.post(opsBroadcastsPath(), fields);
  assertEquals(res.status, 422);
  const html = await res.text();
  assertStringIncludes(html, 'id="bodyRu-error"');
  assertStringIncludes(html, "Не длиннее 180\u00a0символов");
  assertEquals(textarea(html, "bodyRu"), long, "the text is not lost");
  assertEquals(textarea(html, "bodyEn"), "Fine");
  assertStringIncludes(html, 'value="Заголовок"');
  assertStringIncludes(html, 'value="45"');
  assert(/value="inactive"[^>]*checked/.test(html), "the segment stays chosen");
  assertEquals(
    (await t.services.db.selectFrom("broadcasts").selectAll().execute()).length,
    0,
    "nothing saved",
  );

  await t.services.db.updateTable("users").set({ locale: "en" }).where("id", "=", admin.id)
    .execute();
  const en = await admin.post(opsBroadcastsPath(), { ...fields, titleEn: "T".repeat(101) });
  assertEquals(en.status, 422);
  const enHtml = await en.text();
  assertStringIncludes(enHtml, "At most 180\u00a0characters");
  assertStringIncludes(enHtml, "At most 100\u00a0characters");
});

Deno.test("a line break counts as the browser counts it: 180 characters with line breaks are accepted, sent as one line", async () => {
  await using t = await openTestApp();
  const admin = await signIn(t, "len_admin", "ADMIN");
  // 60 + 1 + 60 + 1 + 58 = 180 in the textarea; the form sends CRLF (182).
  const body = ["а".repeat(60), "б".repeat(60), "в".repeat(58)].join("\r\n");
  assertEquals(body.length, 182);
  const res = await admin.post(opsBroadcastsPath(), {
    titleRu: "Три строки",
    bodyRu: body,
    segment: "all",
  });
  assertEquals(res.status, 303, "not refused for what the browser allowed");
  const id = res.headers.get("location")!.split("/").pop()!;
  const row = await t.services.db.selectFrom("broadcasts").select("body_ru").where("id", "=", id)
    .executeTakeFirstOrThrow();
  assertEquals(row.body_ru, ["а".repeat(60), "б".repeat(60), "в".repeat(58)].join(" "));
  // Control characters (other than line breaks) are refused, not sent.
  const ctl = await admin.post(opsBroadcastsPath(), {
    titleRu: "Звонок\u0007",
    bodyRu: "Текст",
    segment: "all",
  });
  assertEquals(ctl.status, 422);
  await ctl.body?.cancel();
});

Deno.test("a broadcast at the limits reaches Telegram and Web Push whole, not clipped", async () => {
  await using h = await openTelegramApp();
  const { t } = h;
  const admin = await signIn(t, "len_admin", "ADMIN");
  const reader = await linked(t, "len_reader", 4242);
  // Three bytes a character in UTF-8: the heaviest text a learner's phone gets.
  const title = "€".repeat(TITLE_MAX);
  const body = "€".repeat(BODY_MAX);
  const res = await admin.post(opsBroadcastsPath(), {
    titleRu: title,
    bodyRu: body,
    url: "/courses",
    segment: "all",
  });
  assertEquals(res.status, 303);
  const path = res.headers.get("location")!;
  await admin.post(path, { _action: "send" });
  await runBroadcast(t.services, path.split("/").pop()!);

  const n = await t.services.db.selectFrom("notifications").select(["id", "title", "body"])
    .where("user_id", "=", reader.id).executeTakeFirstOrThrow();
  assertEquals([n.title, n.body], [title, body], "stored whole");

  const queued = await t.services.jobs.list({ queue: "telegram", state: "queued", limit: 10 });
  const tg = queued.jobs.map((j) => j.payload as TelegramJob).find((j) => j.chatId === 4242);
  assertEquals(tg?.text, `${title}\n\n${body}`, "Telegram gets both whole");

  const payload = pushPayload({ ...n, kind: "broadcast.message", lang: "ru" });
  assert(new TextEncoder().encode(payload).length <= MAX_PLAINTEXT_BYTES);
  const push = JSON.parse(payload);
  assertEquals([push.title, push.body], [title, body], "the push carries both whole");
});
