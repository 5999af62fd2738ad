/**
 * Notification pipeline benchmark: 1,000 linked learners (a Telegram chat
 * and a Web Push subscription each, in Moscow, Vladivostok and New York)
 * each have a training reminder due in the same minute; one run of the
 * reminders job (`runReminders`, what the every-minute cron runs) finds and
 * claims them and sends each through `notify` — delivered in one process,
 * as in production (PGlite and KV files in a temporary DATA_DIR), to a fake
 * Bot API (tests/helpers) and a loopback push service.
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
import { runReminders } from "@/core/reminders/due.ts";
import { ALL_DAYS, localMinutes } from "@/core/reminders/time.ts";
import { FakeTelegram } from "../tests/helpers/fake_telegram.ts";
import { newBrowserSubscription, startPushService } from "../tests/notifications/push_service.ts";
import { fmt } from "./lib.ts";

const LEARNERS = 1_000;
const GLOBAL_PER_SEC = 30;
const ZONES = ["Europe/Moscow", "Asia/Vladivostok", "America/New_York"];

export interface NotifyBenchResult {
  learners: number;
  /** Reminders the run claimed and sent. */
  claimed: number;
  sent: number;
  /** ms from the start until the run returned (in-app rows stored, deliveries enqueued). */
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

export async function benchNotify(learners = LEARNERS): Promise<NotifyBenchResult> {
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
    // The minute every reminder is due: the next whole minute, in each learner's own zone.
    const due = new Date(Math.ceil((Date.now() + 1) / 60_000) * 60_000);
    const yesterday = new Date(due.getTime() - 86_400_000);
    const users = [];
    const subs = [];
    const reminders = [];
    for (let i = 0; i < learners; i++) {
      const id = newId();
      const zone = ZONES[i % ZONES.length];
      users.push({
        id,
        username: `bench_notify_${i}`,
        password_hash: "-",
        telegram_chat_id: 7_000_000 + i,
        locale: i % 2 ? "en" as const : "ru" as const,
        time_zone: zone,
      });
      reminders.push({
        id: newId(),
        user_id: id,
        time_minutes: localMinutes(zone, due.getTime()) % 1440,
        weekdays: ALL_DAYS,
        created_at: yesterday,
        updated_at: yesterday,
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
      await services.db.insertInto("training_reminders").values(reminders.slice(i, i + 200))
        .execute();
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
    // One run of the reminders job at the due minute (the cron's tick).
    const run = await runReminders(services, { now: due });
    const inAppMs = since();
    await waitFor(() => fake.messages.length >= learners, 300_000, "Telegram messages");
    lastTelegramMs = since();
    await Promise.all([watchPush, watchFirst]);
    return {
      learners,
      claimed: run.claimed,
      sent: run.sent,
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
    "## Notifications (1,000 training reminders due in the same minute)",
    "",
    `${r.learners} learners in three time zones, each with a Telegram chat, a Web Push ` +
    "subscription and a reminder due at the same instant; one run of the reminders job " +
    `(\`runReminders\`) claimed ${r.claimed} and sent ${r.sent} through the notification ` +
    "pipeline in the server's process (PGlite and KV files), delivered to the fake Bot API " +
    "(tests/helpers/fake_telegram.ts) and a loopback push service. Times from the start of the run.",
    "",
    "| what | time | target |",
    "|---|---:|---|",
    `| in-app rows stored, deliveries enqueued (the run returned) | ${s(r.inAppMs)} | |`,
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
