/**
 * The Telegram bot in two app processes on one PostgreSQL (JOBS_BACKEND=postgres),
 * talking to a fake Bot API server in the test process: only the holder of
 * the polling lease polls, each update is answered once across instances,
 * killing the poller (SIGKILL) hands polling to the other, and in webhook
 * mode an update delivered to both (a load balancer's retry) is handled once.
 * Each instance gets its own API root (`fake.urlFor(tag)`), so the fake
 * knows which process made each call.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { type Cluster, instancesAvailable, startInstances } from "../helpers/instances.ts";
import { type FakeCall, FakeTelegram } from "../helpers/fake_telegram.ts";
import { SECRET_HEADER } from "@/bot/webhook.ts";
import { telegramWebhookPath } from "@/core/paths.ts";

const LEASE_SEC = 3;

function env(fake: FakeTelegram, tag: string, extra: Record<string, string> = {}) {
  return {
    JOBS_BACKEND: "postgres",
    ...fake.env({ TELEGRAM_API_ROOT: fake.urlFor(tag), TELEGRAM_POLL_LEASE_SEC: `${LEASE_SEC}` }),
    ...extra,
  };
}

/** Instance "a" first (it takes the lease while alone), then "b". */
async function twoInstances(fake: FakeTelegram, extra: Record<string, string> = {}) {
  const cluster = await startInstances(1, env(fake, "a", extra));
  await cluster.add(env(fake, "b", extra));
  return cluster;
}

const polls = (fake: FakeTelegram, via?: string): FakeCall[] =>
  fake.callsOf("getUpdates").filter((c) => via === undefined || c.via === via);

/** Replies (`sendMessage`) to each chat, by chat id. */
function repliesTo(fake: FakeTelegram, chats: number[]): Map<number, number> {
  return new Map(
    chats.map((c) => [
      c,
      fake.callsOf("sendMessage").filter((m) => Number(m.params.chat_id) === c).length,
    ]),
  );
}

/** Pushes `/help` from each chat and waits until every chat got a reply, and a moment more. */
async function helpFrom(fake: FakeTelegram, chats: number[], timeoutMs: number) {
  for (const chat of chats) fake.pushUpdate(fake.textUpdate(chat, "/help"));
  await fake.waitFor(
    () => [...repliesTo(fake, chats).values()].every((n) => n >= 1),
    timeoutMs,
    "a reply in every chat",
  );
  // A second answer from the other instance would come within a poll or two.
  await new Promise((r) => setTimeout(r, 1_500));
  for (const [chat, n] of repliesTo(fake, chats)) assertEquals(n, 1, `replies to chat ${chat}`);
}

/** No two `getUpdates` of different instances were open at the same time. */
function assertOnePollerAtATime(fake: FakeTelegram) {
  const calls = polls(fake).filter((c) => c.endedAt !== undefined);
  for (const x of calls) {
    for (const y of calls) {
      if (x.via === y.via) continue;
      const overlap = x.at < y.endedAt! && y.at < x.endedAt!;
      assert(!overlap, `${x.via} and ${y.via} polled at once (${x.at}–${x.endedAt})`);
    }
  }
}

Deno.test({
  name: "multi (bot): polling — one instance polls, 20 updates are answered once each [postgres]",
  ignore: !instancesAvailable(),
  async fn() {
    await using fake = new FakeTelegram();
    await using _cluster = await twoInstances(fake);
    await fake.waitFor(() => polls(fake).length > 0, 20_000, "someone polls");
    // Both are up; "b" tries the lease every second and must keep failing.
    await new Promise((r) => setTimeout(r, LEASE_SEC * 1000));
    const chats = Array.from({ length: 20 }, (_, i) => 7000 + i);
    await helpFrom(fake, chats, 20_000);
    assert(polls(fake, "a").length > 0, "the first instance holds the lease");
    assertEquals(polls(fake, "b").length, 0, "the other never polled");
    assertOnePollerAtATime(fake);
  },
});

Deno.test({
  name: "multi (bot): polling — killing the poller (SIGKILL) hands polling to the other [postgres]",
  ignore: !instancesAvailable(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using fake = new FakeTelegram();
    await using cluster: Cluster = await twoInstances(fake);
    const [a] = cluster.instances;
    await helpFrom(fake, [7100, 7101, 7102], 20_000);
    assertEquals(polls(fake, "b").length, 0);
    await a.kill("SIGKILL");
    const killedAt = Date.now();
    // Updates sent while nobody polls wait at Telegram for the new poller.
    await helpFrom(fake, Array.from({ length: 10 }, (_, i) => 7200 + i), 20_000);
    assert(polls(fake, "b").length > 0, "the survivor polls");
    const firstB = Math.min(...polls(fake, "b").map((c) => c.at));
    assert(firstB - killedAt < (LEASE_SEC + 3) * 1000, `took over after ${firstB - killedAt} ms`);
    // The earlier chats were not answered again by the new poller.
    for (const [chat, n] of repliesTo(fake, [7100, 7101, 7102])) assertEquals(n, 1, `chat ${chat}`);
    assertOnePollerAtATime(fake);
  },
});

Deno.test({
  name:
    "multi (bot): webhook — the same update delivered to both instances is handled once [postgres]",
  ignore: !instancesAvailable(),
  async fn() {
    await using fake = new FakeTelegram();
    const secret = "multi-instance-webhook-secret";
    await using cluster = await twoInstances(fake, {
      TELEGRAM_MODE: "webhook",
      TELEGRAM_WEBHOOK_SECRET: secret,
    });
    await fake.waitFor(() => fake.callsOf("setWebhook").length === 2, 20_000, "both set the hook");
    const chats = [7300, 7301, 7302, 7303, 7304];
    for (const chat of chats) {
      const update = fake.textUpdate(chat, "/help");
      // A load balancer retrying on the other instance: both get it, at the same time.
      const answers = await Promise.all(
        cluster.instances.map((i) =>
          fetch(i.origin + telegramWebhookPath(), {
            method: "POST",
            headers: { "content-type": "application/json", [SECRET_HEADER]: secret },
            body: JSON.stringify(update),
          }).then(async (r) => {
            await r.body?.cancel();
            return r.status;
          })
        ),
      );
      assertEquals(answers, [200, 200]);
    }
    await fake.waitFor(
      () => [...repliesTo(fake, chats).values()].every((n) => n >= 1),
      10_000,
      "a reply in every chat",
    );
    await new Promise((r) => setTimeout(r, 1_000));
    for (const [chat, n] of repliesTo(fake, chats)) assertEquals(n, 1, `replies to chat ${chat}`);
    assertEquals(polls(fake).length, 0, "nobody polls in webhook mode");
  },
});
