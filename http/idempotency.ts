/**
 * `Idempotency-Key` for JSON actions: the HTTP side of
 * core/offline/idempotency.ts. A request with the header is done once per
 * user and key; a replay answers the stored status and body (with
 * `Idempotency-Replayed: true`) and changes nothing. Refusals (4xx, except a
 * rate limit) are stored like successes, so a replay is refused the same way;
 * a server error releases the key for a retry. Without the header the action
 * just runs.
 */
import type { Context } from "@/framework/mod.ts";
import type { State } from "@/define.ts";
import type { JsonValue } from "@/db/schema.ts";
import {
  claimKey,
  IDEMPOTENCY_HEADER,
  idempotencyKeySchema,
  releaseKey,
  requestHash,
  storeAnswer,
} from "@/core/offline/idempotency.ts";
import { AppError } from "@/core/app_error.ts";
import { errorStatus, mapError } from "./errors.ts";

export const REPLAYED_HEADER = "idempotency-replayed";

/** Answers worth storing: what the same request would be answered again. */
function repeatable(status: number): boolean {
  return status < 500 && status !== 429;
}

export async function idempotent(
  ctx: Context<State>,
  userId: string,
  body: unknown,
  run: () => Promise<Response>,
): Promise<Response> {
  const raw = ctx.req.headers.get(IDEMPOTENCY_HEADER);
  if (raw === null) return await run();
  const parsed = idempotencyKeySchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError(400, "invalid_idempotency_key", "offline.error.key");
  }
  const key = parsed.data;
  const s = ctx.state.services;
  const claim = await claimKey(s, userId, key, await requestHash(ctx.path, body));
  if (claim.kind === "replay") {
    return Response.json(claim.body, {
      status: claim.status,
      headers: { [REPLAYED_HEADER]: "true", "cache-control": "no-store" },
    });
  }
  let res: Response;
  try {
    res = await run();
  } catch (err) {
    if (!repeatable(errorStatus(err))) {
      await releaseKey(s, userId, key);
      throw err;
    }
    const mapped = mapError(err, ctx);
    if (!(mapped instanceof Response)) {
      await releaseKey(s, userId, key);
      throw err;
    }
    res = mapped;
  }
  if (!repeatable(res.status)) {
    await releaseKey(s, userId, key);
    return res;
  }
  const json = await res.clone().json().catch(() => null) as JsonValue;
  await storeAnswer(s, userId, key, res.status, json);
  return res;
}
