/**
 * Notification pipeline benchmark: 1,000 linked learners (a Telegram chat
 * and a Web Push subscription each) get one training reminder "due in the
 * same minute" — `notify` called for all of them at once (32 calls in
 * flight), as the reminders' cron tick will — delivered in one process, as in production (PGlite and
 * KV files in a temporary DATA_DIR), to a fake Bot API (tests/helpers) and
 * a loopback push service.
 *
 * Reported: when the in-app rows were all stored, when the last push
 * arrived, when the last Telegram message arrived against the floor set by
 * Telegram's global limit (1,000 / 30 per second ≈ 33.3 s; target ≤ 1.1×),
 * and the rate-limit violations the fake counted (target 0).
 *
 * Run alone: `deno task bench notify`.
 */
import { loadConfig } from "@/platform/config.ts";
import { openServices } from "@/services.ts";
import { configureLog } from "@/platform/log.ts";
import { newId } from "@/platform/ids.ts";
import { NOTIFICATIONS, notify } from "@/core/notifications.ts";
import { FakeTelegram } from "../tests/helpers/fake_telegram.ts";
import { newBrowserSubscription, startPushService } from "../tests/notifications/push_service.ts";
import { fmt } from "./lib.ts";

const LEARNERS = 1_000;
const GLOBAL_PER_SEC = 30;
/** `notify` calls in flight at once. */
const NOTIFY_WIDTH = 32;

export interface NotifyBenchResult {
  learners: number;
  width: number;
  /** ms from the start until every `notify` returned (in-app rows stored, jobs enqueued). */
  inAppMs: number;
  /** ms until the last push reached the push service. */
  pushMs: number;
  /** ms until the first and the last Telegram message reached the fake. */
  firstTelegramMs: number;
  lastTelegramMs: number;
  floorMs: number;
  violations: { global: number; perChat: number };
  rateLimited: number;
  telegram: number;
  pushes: number;
}

async function waitFor(pred: () => boolean, timeoutMs: number, what: string) {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`notify bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function benchNotify(
  learners = LEARNERS,
  width = NOTIFY_WIDTH,
): Promise<NotifyBenchResult> {
  configureLog({ level: "error" });
  const fake = new FakeTelegram();
  await using push = startPushService();
  const dataDir = await Deno.makeTempDir({ prefix: "gafus-bench-notify-" });
  const config = await loadConfig({
    GAFUS_ENV: "development",
    DATA_DIR: dataDir,
    DATABASE_URL: "",
    LOG_REQUESTS: "false",
    PUBLIC_URL: "https://gafus.example",
    ...fake.env(),
  });
  const services = await openServices(config);
  try {
    const ids: string[] = [];
    const users = [];
    const subs = [];
    for (let i = 0; i < learners; i++) {
      const id = newId();
      ids.push(id);
      users.push({
        id,
        username: `bench_notify_${i}`,
        password_hash: "-",
        telegram_chat_id: 7_000_000 + i,
        locale: i % 2 ? "en" as const : "ru" as const,
      });
      const b = await newBrowserSubscription();
      subs.push({
        id: newId(),
        user_id: id,
        endpoint: push.endpoint(`l${i}`),
        p256dh: b.p256dh,
        auth: b.auth,
      });
    }
    for (let i = 0; i < learners; i += 200) {
      await services.db.insertInto("users").values(users.slice(i, i + 200)).execute();
      await services.db.insertInto("push_subscriptions").values(subs.slice(i, i + 200)).execute();
    }
    services.jobs.start();
    await new Promise((r) => setTimeout(r, 200)); // the queue listener is up

    const t0 = performance.now();
    const since = () => performance.now() - t0;
    let pushMs = NaN, lastTelegramMs = NaN, firstTelegramMs = NaN;
    const watchPush = waitFor(() => push.requests.length >= learners, 300_000, "pushes")
      .then(() => pushMs = since());
    const watchFirst = waitFor(() => fake.messages.length >= 1, 300_000, "first message")
      .then(() => firstTelegramMs = since());
    // "Due in the same minute": every reminder at once, through a pool of `width` calls in
    // flight (a tick would not start 1,000 database round trips before finishing one).
    const minute = new Date().toISOString().slice(0, 16);
    let next = 0;
    await Promise.all(Array.from({ length: width }, async () => {
      while (next < ids.length) {
        await notify(services, ids[next++], {
          ...NOTIFICATIONS.trainingReminder,
          url: "/courses",
          dedupeKey: `bench:${minute}`,
        });
      }
    }));
    const inAppMs = since();
    await waitFor(() => fake.messages.length >= learners, 300_000, "Telegram messages");
    lastTelegramMs = since();
    await Promise.all([watchPush, watchFirst]);
    return {
      learners,
      width,
      inAppMs,
      pushMs,
      firstTelegramMs,
      lastTelegramMs,
      floorMs: (learners / GLOBAL_PER_SEC) * 1000,
      violations: { ...fake.violations },
      rateLimited: fake.rateLimited,
      telegram: fake.messages.length,
      pushes: push.requests.length,
    };
  } finally {
    await services.jobs.stop().catch(() => {});
    await services.close();
    await fake.close();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
}

export function notifyReport(r: NotifyBenchResult): string[] {
  const s = (ms: number) => `${fmt(ms / 1000, 1)} s`;
  const ratio = r.lastTelegramMs / r.floorMs;
  return [
    "## Notifications (one reminder to 1,000 linked learners in the same minute)",
    "",
    `${r.learners} learners, each with a Telegram chat and a Web Push subscription; \`notify\` ` +
    `called for all at once (${r.width} calls in flight) in the server's process (PGlite and ` +
    "KV files), delivered to the " +
    "fake Bot API (tests/helpers/fake_telegram.ts) and a loopback push service. Times from " +
    "the first `notify` call.",
    "",
    "| what | time | target |",
    "|---|---:|---|",
    `| in-app rows stored, deliveries enqueued (all \`notify\` returned) | ${s(r.inAppMs)} | |`,
    `| last of ${r.pushes} pushes at the push service | ${s(r.pushMs)} | long before Telegram |`,
    `| first Telegram message | ${s(r.firstTelegramMs)} | |`,
    `| last of ${r.telegram} Telegram messages | ${s(r.lastTelegramMs)} (${
      fmt(ratio, 2)
    }× the floor) | ≤ 1.1× |`,
    `| floor: ${r.learners} / ${GLOBAL_PER_SEC} per second | ${s(r.floorMs)} | |`,
    `| rate-limit violations (global / per chat), 429s | ${r.violations.global} / ${r.violations.perChat}, ${r.rateLimited} | 0 |`,
    "",
  ];
}

if (import.meta.main) console.log(notifyReport(await benchNotify()).join("\n"));
