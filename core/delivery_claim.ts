/**
 * A once-only claim for sending one message to the outside world (a Web
 * Push, a Telegram message), kept in Deno KV under the message's key.
 *
 * Jobs run at least once, and the outside side has no idempotency key, so
 * every send is guarded:
 *
 * - no claim → take it atomically as "sending" with a lease, and send;
 * - a final state ("sent", "gone", "failed", …) → a duplicate run: nothing
 *   is sent again;
 * - "sending" by another run whose lease has not expired → `busy` (the job
 *   retries later); an expired lease (a run that crashed mid-send) is taken
 *   over.
 *
 * The window: a process that dies after the other side accepted the message
 * but before `settle` leaves "sending"; once the lease expires a retry sends
 * again. That is the only way a message can go out twice.
 */
import type { SharedKv } from "@/platform/shared_kv.ts";

/** How long the final marker is kept (longer than any retry schedule). */
export const CLAIM_MARKER_TTL_MS = 7 * 86400_000;

export type ClaimValue =
  | { state: "sending"; until: number }
  | { state: string; at: number; [k: string]: unknown };

export type ClaimResult =
  | { kind: "claimed" }
  | { kind: "done"; state: string }
  | { kind: "busy"; retryInMs: number };

export async function claimDelivery(
  kv: SharedKv,
  key: Deno.KvKey,
  leaseMs: number,
  now: number = Date.now(),
): Promise<ClaimResult> {
  const existing = await kv.get<ClaimValue>(key);
  const c = existing.value;
  if (c) {
    if (c.state !== "sending") return { kind: "done", state: c.state };
    const until = (c as { until: number }).until;
    if (until > now) return { kind: "busy", retryInMs: until - now };
  }
  const claimed = await kv.atomic().check(existing)
    .set(key, { state: "sending", until: now + leaseMs } satisfies ClaimValue, {
      expireIn: CLAIM_MARKER_TTL_MS,
    }).commit();
  return claimed.ok ? { kind: "claimed" } : { kind: "busy", retryInMs: 1_000 };
}

/** Records the final state: later runs with the same key send nothing. */
export async function settleDelivery(
  kv: SharedKv,
  key: Deno.KvKey,
  state: string,
  extra: Record<string, unknown> = {},
  now: number = Date.now(),
): Promise<void> {
  await kv.set(key, { ...extra, state, at: now }, { expireIn: CLAIM_MARKER_TTL_MS });
}

/** Gives the claim back (the send failed for sure): a retry may send. */
export async function releaseDelivery(kv: SharedKv, key: Deno.KvKey): Promise<void> {
  await kv.delete(key);
}
