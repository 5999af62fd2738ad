/** A test app talking to a fake Bot API, and learners linked to chats. */
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { FakeTelegram } from "../helpers/fake_telegram.ts";

export interface TelegramTestApp {
  t: TestApp;
  fake: FakeTelegram;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function openTelegramApp(
  env: Record<string, string> = {},
  fakeOpts: ConstructorParameters<typeof FakeTelegram>[0] = {},
): Promise<TelegramTestApp> {
  const fake = new FakeTelegram(fakeOpts);
  const t = await openTestApp(fake.env({ PUBLIC_URL: "https://gafus.example", ...env }));
  return {
    t,
    fake,
    async [Symbol.asyncDispose]() {
      await t.services.jobs.stop().catch(() => {});
      await t.close();
      await fake.close();
    },
  };
}

/** A signed-in learner whose account is linked to `chatId`. */
export async function linked(t: TestApp, username: string, chatId: number, locale = "ru") {
  const who = await signIn(t, username);
  await t.services.db.updateTable("users")
    .set({ telegram_chat_id: chatId, locale: locale as "ru" | "en" })
    .where("id", "=", who.id).execute();
  return who;
}

export async function chatOf(t: TestApp, userId: string): Promise<number | null> {
  const row = await t.services.db.selectFrom("users").select("telegram_chat_id")
    .where("id", "=", userId).executeTakeFirstOrThrow();
  return row.telegram_chat_id === null ? null : Number(row.telegram_chat_id);
}
