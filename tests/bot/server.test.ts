/**
 * The bot in the real server process (`main.ts serve`): it starts with the
 * web server when a token is set, answers through long polling, and stops
 * with a clean shutdown (SIGTERM: exit 0, no polling afterwards).
 */
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { cliEnv, startServerProcess } from "../helpers/cli.ts";
import { FakeTelegram } from "../helpers/fake_telegram.ts";

Deno.test("main.ts serve runs the bot with the web server and stops it on SIGTERM", async () => {
  await using fake = new FakeTelegram({ maxPollMs: 500 });
  await using cli = await cliEnv(fake.env());
  const server = await startServerProcess(cli);
  try {
    await fake.waitFor(() => fake.callsOf("getUpdates").length > 0, 30_000, "polling");
    assertEquals(fake.callsOf("setMyCommands").length, 3);
    fake.pushUpdate(fake.textUpdate(9901, "/start", { language_code: "en" }));
    await fake.waitFor(() => fake.messagesTo(9901).length === 1, 10_000, "a reply");
    assertStringIncludes(fake.messagesTo(9901)[0].text, "Connect Telegram");
    // The web server answers meanwhile.
    const health = await fetch(`${server.origin}/health`);
    await health.body?.cancel();
    assertEquals(health.ok, true);
  } finally {
    assertEquals(await server.stop(), 0);
  }
  const polls = fake.callsOf("getUpdates").length;
  await new Promise((r) => setTimeout(r, 800));
  assertEquals(fake.callsOf("getUpdates").length, polls, "no polling after shutdown");
});
