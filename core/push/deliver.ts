/**
 * Delivering one notification to one subscription (the body of the `push`
 * job). Delivery of jobs is at least once, so the send is guarded by a claim
 * in Deno KV keyed by notification and subscription (core/delivery_claim.ts:
 * a final state means a duplicate, a live lease means `busy`). A user who
 * turned push off for the notification's category since it was queued gets
 * nothing.
 *
 * Outcomes for the subscription row: success stamps `last_success_at` and
 * resets `failure_count`; 404/410 deletes it; any failure counts up, and a
 * subscription failing many times in a row is dropped.
 */
import type { Services } from "../services.ts";
import type { PushJob } from "@/queues/jobs/push.ts";
import { log } from "@/platform/log.ts";
import { type SendOutcome, sendPush } from "./send.ts";
import { MAX_PLAINTEXT_BYTES } from "./encrypt.ts";
import { notificationPath } from "../paths.ts";
import { claimDelivery, releaseDelivery, settleDelivery } from "../delivery_claim.ts";
import { categoryOf, prefsFrom } from "../notification_prefs.ts";

/** Where the push's click leads: the notification page marks it read and redirects. */
export const NOTIFICATION_ICON = "/favicon.svg";

/** Consecutive failures after which a subscription is considered dead. */
export const MAX_FAILURES = 20;
/** How long a run holds the claim while sending (longer than the send timeout). */
const LEASE_MS = 2 * 60_000;
export type DeliverResult =
  | { outcome: "sent" | "gone" | "duplicate" | "skipped" | "expired"; status?: number }
  | { outcome: "retry" | "busy"; status?: number; detail: string }
  | { outcome: "failed"; status?: number; detail: string };

export interface DeliverOptions {
  fetch?: typeof fetch;
  signal?: AbortSignal;
  now?: () => number;
}

const claimKey = (job: PushJob) => ["push_sent", job.notificationId, job.subscriptionId];

/** The JSON the service worker receives, kept under the encryption limit. */
export function pushPayload(n: {
  id: string;
  kind: string;
  title: string;
  body: string;
  lang: string;
}): string {
  const base = {
    title: n.title,
    body: n.body,
    url: notificationPath(n.id),
    tag: n.id,
    kind: n.kind,
    icon: NOTIFICATION_ICON,
    lang: n.lang,
  };
  let text = JSON.stringify(base);
  let body = n.body;
  // Cyrillic takes 2 bytes in UTF-8 (more once escaped): shorten the body until it fits.
  while (new TextEncoder().encode(text).length > MAX_PLAINTEXT_BYTES && body.length > 0) {
    body = body.slice(0, Math.floor(body.length * 0.8)).trimEnd();
    text = JSON.stringify({ ...base, body: body ? body + "…" : "" });
  }
  return text;
}

export async function deliverPush(
  s: Services,
  job: PushJob,
  opts: DeliverOptions = {},
): Promise<DeliverResult> {
  const now = opts.now ?? Date.now;
  const vapid = s.config.secrets.vapid;
  if (!vapid) return { outcome: "skipped" };

  const row = await s.db.selectFrom("notifications as n")
    .innerJoin("push_subscriptions as p", (join) => join.on("p.id", "=", job.subscriptionId))
    .innerJoin("users as u", "u.id", "n.user_id")
    .leftJoin("notification_prefs as np", "np.user_id", "n.user_id")
    .select([
      "n.id",
      "n.user_id",
      "n.kind",
      "n.title",
      "n.body",
      "n.created_at",
      "p.user_id as sub_user_id",
      "p.endpoint",
      "p.p256dh",
      "p.auth",
      "u.locale",
      "np.prefs",
    ])
    .where("n.id", "=", job.notificationId)
    .executeTakeFirst();
  // Gone meanwhile, or the device now belongs to another account: never send it there.
  if (!row || row.sub_user_id !== row.user_id) return { outcome: "skipped" };

  const elapsedSec = Math.floor((now() - row.created_at.getTime()) / 1000);
  const ttlSec = job.ttlSec - Math.max(0, elapsedSec);
  if (ttlSec <= 0) return { outcome: "expired" };

  // Turned off since it was queued: dropped.
  if (!prefsFrom(row.prefs)[categoryOf(row.kind)].push) {
    return { outcome: "skipped" };
  }

  const key = claimKey(job);
  const claim = await claimDelivery(s.kv, key, LEASE_MS, now());
  if (claim.kind === "done") return { outcome: "duplicate" };
  if (claim.kind === "busy") return { outcome: "busy", detail: "another delivery is sending" };

  const finish = (state: "sent" | "gone" | "failed") => settleDelivery(s.kv, key, state, {}, now());

  let result: SendOutcome;
  try {
    result = await sendPush(
      { endpoint: row.endpoint, p256dh: row.p256dh, auth: row.auth },
      pushPayload({ ...row, lang: row.locale }),
      {
        vapid,
        ttlSec,
        urgency: job.urgency,
        // One pending "step finished" per device is enough: a newer one replaces it.
        topic: row.kind === "step.finished" ? "step-finished" : undefined,
        fetch: opts.fetch,
        signal: opts.signal,
      },
    );
  } catch (err) {
    await releaseDelivery(s.kv, key);
    throw err;
  }

  const sub = job.subscriptionId;
  const endpointHost = new URL(row.endpoint).host;
  switch (result.kind) {
    case "sent":
      await s.db.updateTable("push_subscriptions")
        .set({ last_success_at: new Date(now()), failure_count: 0 })
        .where("id", "=", sub).execute();
      await finish("sent");
      return { outcome: "sent", status: result.status };
    case "gone":
      // Only this exact row: a renewal with new keys since loading would be another endpoint.
      await s.db.deleteFrom("push_subscriptions")
        .where("id", "=", sub).where("endpoint", "=", row.endpoint).execute();
      await finish("gone");
      log.info("push subscription removed", { subscriptionId: sub, status: result.status });
      return { outcome: "gone", status: result.status };
    case "retry":
    case "failed": {
      const updated = await s.db.updateTable("push_subscriptions")
        .set((eb) => ({ failure_count: eb("failure_count", "+", 1) }))
        .where("id", "=", sub)
        .returning("failure_count").executeTakeFirst();
      const failures = updated?.failure_count ?? 0;
      log.warn("push failed", {
        subscriptionId: sub,
        host: endpointHost,
        status: result.status,
        detail: result.detail,
        failures,
      });
      if (failures >= MAX_FAILURES) {
        await s.db.deleteFrom("push_subscriptions").where("id", "=", sub).execute();
        await finish("gone");
        return { outcome: "gone", status: result.status };
      }
      if (result.kind === "failed") {
        await finish("failed");
        return { outcome: "failed", status: result.status, detail: result.detail };
      }
      // Free the claim so the retry can send.
      await releaseDelivery(s.kv, key);
      return { outcome: "retry", status: result.status, detail: result.detail };
    }
  }
}
