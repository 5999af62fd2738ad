/**
 * Operator alerts to Telegram (`TELEGRAM_ALERT_CHAT_ID`), grouped and
 * throttled: at most one message per group per `ALERT_WINDOW_MS`. The first
 * alert of a group opens a window (a KV key with `expireIn`); alerts of the
 * group inside it are only counted, and the first message after the window
 * says how many there were ("+N"). Every alert is still logged (the job in
 * queues/jobs/ops_alert.ts does that); without a bot or an alert chat,
 * logging is all that happens.
 */
import type { Services } from "./services.ts";
import { enqueueTelegram } from "./telegram/outbox.ts";
import { absoluteUrl, opsQueuesPath } from "./paths.ts";
import { type MessageKey, translator } from "./i18n/mod.ts";

export const ALERT_WINDOW_MS = 10 * 60_000;
/** The count of suppressed alerts outlives the window until the next message. */
const COUNT_TTL_MS = 7 * 86400_000;

export interface AlertMessage {
  level: "info" | "warning" | "critical";
  /** The title as logged (English, for operators reading logs). */
  title: string;
  /** The title for the chat, translated (falls back to `title`). */
  titleKey?: MessageKey;
  vars?: Record<string, string | number>;
  message: string;
  /** Alerts of one group are throttled together (default: source + title). */
  group?: string;
  source?: string;
  /** A dashboard path (/ops/…). */
  url?: string;
}

export type AlertOutcome =
  | { outcome: "sent"; group: string; suppressed: number }
  | { outcome: "throttled"; group: string }
  | { outcome: "not-configured" };

const LEVEL_MARK = { info: "ℹ️", warning: "⚠️", critical: "🚨" } as const;

type Window = { jobId: string; at: number };

const windowKey = (group: string) => ["ops_alert_window", group];
const countKey = (group: string) => ["ops_alert_suppressed", group];

export function alertGroup(a: AlertMessage): string {
  return (a.group ?? `${a.source ?? "ops"}:${a.title}`).slice(0, 200);
}

/**
 * Sends `alert` to the alert chat unless its group sent one within the
 * window. `alertId` identifies this alert (the job id): a retried job finds
 * its own window and enqueues its message again (deduplicated), instead of
 * counting itself as a repeat.
 */
export async function deliverAlert(
  s: Services,
  alert: AlertMessage,
  alertId: string,
  now: number = Date.now(),
): Promise<AlertOutcome> {
  const chat = s.config.telegram?.alertChatId;
  if (!s.config.telegram || !chat || !/^-?\d+$/.test(chat)) return { outcome: "not-configured" };
  const group = alertGroup(alert);
  const wk = windowKey(group);

  for (let i = 0; i < 5; i++) {
    const open = await s.kv.get<Window>(wk);
    if (open.value && open.value.jobId !== alertId) {
      if (open.value.at + ALERT_WINDOW_MS > now) {
        // Inside the window: counted for the next message.
        await s.kv.atomic().sum(countKey(group), 1n).commit();
        return { outcome: "throttled", group };
      }
    }
    const mine = open.value?.jobId === alertId;
    const counted = await s.kv.get<Deno.KvU64>(countKey(group));
    const suppressed = mine ? 0 : Number(counted.value?.value ?? 0n);
    let op = s.kv.atomic().check(open);
    if (!mine) {
      // Open the window and take the count in one commit (a repeat counted meanwhile retries).
      op = op.check(counted)
        .set(wk, { jobId: alertId, at: now } satisfies Window, { expireIn: ALERT_WINDOW_MS })
        .set(countKey(group), new Deno.KvU64(0n), { expireIn: COUNT_TTL_MS });
    }
    if (!(await op.commit()).ok) continue;
    await enqueueTelegram(s, {
      key: `alert:${alertId}`,
      chatId: Number(chat),
      text: alertText(alert, suppressed),
      buttons: [{
        text: translator("ru")("delivery.alert.open"),
        url: absoluteUrl(s.config, alert.url ?? opsQueuesPath()),
      }],
      purpose: "alert",
    });
    return { outcome: "sent", group, suppressed };
  }
  throw new Error("ops alert: the throttle window kept changing");
}

function alertText(a: AlertMessage, suppressed: number): string {
  const t = translator("ru");
  const title = a.titleKey ? t(a.titleKey, a.vars ?? {}) : a.title;
  const lines = [`${LEVEL_MARK[a.level]} ${title}`];
  if (a.message) lines.push("", a.message.slice(0, 3_000));
  if (suppressed > 0) lines.push("", t("delivery.alert.more", { count: suppressed }));
  return lines.join("\n");
}
