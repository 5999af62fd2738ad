/**
 * Push subscriptions: what a browser hands us after `pushManager.subscribe`
 * (endpoint URL + p256dh key + auth secret), stored per user.
 *
 * - The endpoint is unique: the same browser subscribing again (or another
 *   account signing in on that browser and turning push on) takes the row
 *   over, so a device only ever gets the notifications of the account that
 *   last turned push on there.
 * - Only the owner deletes a subscription; someone else's is "not found".
 * - The endpoint is a URL the server will POST to: in production it must be
 *   https on the default port and not point at a loopback, private or local
 *   name, so a user cannot aim our server at internal hosts.
 */
import { z } from "zod";
import { sql } from "kysely";
import type { Services } from "../services.ts";
import type { SessionUser } from "../auth/session_user.ts";
import { NotFoundError, requireUser } from "../auth/guards.ts";
import { newId } from "@/platform/ids.ts";
import { decodeBase64Url, isP256Point } from "./keys.ts";

/** Devices per user; subscribing on one more drops the least recently renewed. */
export const MAX_SUBSCRIPTIONS_PER_USER = 10;

/**
 * The push services browsers use. In production only these are accepted: a
 * name check alone cannot tell whether a host resolves into our own network
 * (e.g. `127.0.0.1.nip.io`), and resolving it is open to DNS rebinding.
 */
const PUSH_SERVICE_HOST =
  /^(fcm\.googleapis\.com|android\.googleapis\.com|[a-z0-9-]+\.push\.services\.mozilla\.com|(?:[a-z0-9-]+\.)*push\.apple\.com|[a-z0-9-]+\.notify\.windows\.com)$/i;

/** The rule for an endpoint URL; `production` allows only https to the known push services. */
export function isAllowedEndpoint(value: string, production: boolean): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password || url.hash) return false;
  if (!production) return url.protocol === "https:" || url.protocol === "http:";
  if (url.protocol !== "https:" || url.port !== "") return false;
  return PUSH_SERVICE_HOST.test(url.hostname.replace(/\.$/, ""));
}

export function subscriptionSchema(production: boolean) {
  return z.object({
    endpoint: z.string({ error: "push.validation.endpoint" }).max(2000).refine(
      (v) => isAllowedEndpoint(v, production),
      { error: "push.validation.endpoint" },
    ),
    keys: z.object({
      p256dh: z.string({ error: "push.validation.p256dh" }).max(200).refine((v) => {
        const bytes = decodeBase64Url(v);
        return bytes !== null && isP256Point(bytes);
      }, { error: "push.validation.p256dh" }),
      auth: z.string({ error: "push.validation.auth" }).max(100).refine(
        (v) => decodeBase64Url(v)?.length === 16,
        { error: "push.validation.auth" },
      ),
    }),
    // Sent by PushSubscription.toJSON(); not used (browsers leave it null).
    expirationTime: z.number().nullable().optional(),
  });
}

export type SubscriptionInput = z.infer<ReturnType<typeof subscriptionSchema>>;

export const unsubscribeSchema = z.object({
  endpoint: z.string({ error: "push.validation.endpoint" }).min(1).max(2000),
});

/**
 * Stores (or renews) the browser's subscription for the signed-in user.
 * Throws ZodError for bad input. `created` is false when the endpoint was
 * known (renewed, or taken over from the account that had it before).
 */
export async function saveSubscription(
  s: Services,
  actor: SessionUser | null,
  input: unknown,
  userAgent: string | null = null,
): Promise<{ id: string; created: boolean }> {
  const user = requireUser(actor);
  const sub = subscriptionSchema(s.config.production).parse(input);
  return await s.db.transaction().execute(async (trx) => {
    const row = await trx.insertInto("push_subscriptions").values({
      id: newId(),
      user_id: user.id,
      endpoint: sub.endpoint,
      p256dh: sub.keys.p256dh,
      auth: sub.keys.auth,
      user_agent: userAgent?.slice(0, 1000) ?? null,
    }).onConflict((oc) =>
      oc.column("endpoint").doUpdateSet((eb) => ({
        user_id: eb.ref("excluded.user_id"),
        p256dh: eb.ref("excluded.p256dh"),
        auth: eb.ref("excluded.auth"),
        user_agent: eb.ref("excluded.user_agent"),
        failure_count: 0,
        // Renewal counts as activity for the per-user cap below.
        updated_at: sql<Date>`now()`,
      }))
    ).returning(["id", sql<boolean>`(xmax = 0)`.as("inserted")]).executeTakeFirstOrThrow();

    // Keep the newest few devices of this user.
    await trx.deleteFrom("push_subscriptions")
      .where("user_id", "=", user.id)
      .where("id", "not in", (qb) =>
        qb.selectFrom("push_subscriptions").select("id")
          .where("user_id", "=", user.id)
          .orderBy("updated_at", "desc").orderBy("id", "desc")
          .limit(MAX_SUBSCRIPTIONS_PER_USER))
      .execute();
    return { id: row.id, created: row.inserted };
  });
}

/** Removes the signed-in user's subscription with this endpoint; NotFoundError if they have none. */
export async function deleteSubscription(
  s: Services,
  actor: SessionUser | null,
  input: unknown,
): Promise<void> {
  const user = requireUser(actor);
  const { endpoint } = unsubscribeSchema.parse(input);
  const res = await s.db.deleteFrom("push_subscriptions")
    .where("endpoint", "=", endpoint)
    .where("user_id", "=", user.id)
    .executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw new NotFoundError("no such subscription");
}

/** How many devices the user gets push on. */
export async function countSubscriptions(s: Services, userId: string): Promise<number> {
  const row = await s.db.selectFrom("push_subscriptions")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
