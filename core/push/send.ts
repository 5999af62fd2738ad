/**
 * Sends one Web Push message (RFC 8030) to a subscription's endpoint:
 * encrypted body (RFC 8291), VAPID authorization (RFC 8292), TTL, Urgency
 * and optionally Topic. The answer is classified for the caller:
 *
 * - `sent`: 2xx, the push service accepted it.
 * - `gone`: 404 or 410, the subscription no longer exists — delete it.
 * - `retry`: 429, 5xx, a timeout or a network error — try again later.
 * - `failed`: any other answer (400, 401, 403, 413, a redirect…): sending
 *   the same request again will not help.
 */
import { encryptPayload, InvalidPushKeysError, type PushKeys } from "./encrypt.ts";
import { vapidAuthorization, type VapidKeys } from "./vapid.ts";

export type Urgency = "very-low" | "low" | "normal" | "high";
export const URGENCIES: readonly Urgency[] = ["very-low", "low", "normal", "high"];

export interface PushTarget extends PushKeys {
  endpoint: string;
}

export interface SendOptions {
  vapid: VapidKeys;
  /** Seconds the push service keeps the message for an offline device. */
  ttlSec: number;
  urgency?: Urgency;
  /** Replaces an undelivered earlier message with the same topic (≤ 32 base64url chars). */
  topic?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** For tests and proxies; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export type SendOutcome =
  | { kind: "sent"; status: number }
  | { kind: "gone"; status: number }
  | { kind: "retry"; status: number; detail: string; retryAfterSec?: number }
  | { kind: "failed"; status: number; detail: string };

const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_TTL_SEC = 28 * 24 * 3600;

/** Reads at most a few hundred characters of an error answer, for the log. */
async function snippet(res: Response): Promise<string> {
  try {
    const text = await res.text();
    return text.slice(0, 300);
  } catch {
    return "";
  }
}

function retryAfter(res: Response): number | undefined {
  const v = res.headers.get("retry-after");
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.round((at - Date.now()) / 1000));
}

export async function sendPush(
  target: PushTarget,
  payload: string | Uint8Array,
  opts: SendOptions,
): Promise<SendOutcome> {
  const data = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
  let body: Uint8Array<ArrayBuffer>;
  try {
    body = await encryptPayload(data, target);
  } catch (err) {
    if (err instanceof InvalidPushKeysError) return { kind: "gone", status: 0 };
    throw err;
  }
  const headers = new Headers({
    "content-type": "application/octet-stream",
    "content-encoding": "aes128gcm",
    "ttl": String(Math.max(0, Math.min(MAX_TTL_SEC, Math.floor(opts.ttlSec)))),
    "urgency": opts.urgency ?? "normal",
    "authorization": await vapidAuthorization(target.endpoint, opts.vapid),
  });
  if (opts.topic) headers.set("topic", opts.topic);

  const timeout = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(target.endpoint, {
      method: "POST",
      headers,
      body,
      signal,
      // A push service never redirects; following one could reach internal hosts.
      redirect: "manual",
    });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    const detail = timeout.aborted ? "timeout" : `network: ${(err as Error).message}`;
    return { kind: "retry", status: 0, detail };
  }
  const status = res.status;
  if (status >= 200 && status < 300) {
    await res.body?.cancel();
    return { kind: "sent", status };
  }
  if (status === 404 || status === 410) {
    await res.body?.cancel();
    return { kind: "gone", status };
  }
  const detail = await snippet(res);
  if (status === 429 || status >= 500) {
    return { kind: "retry", status, detail, retryAfterSec: retryAfter(res) };
  }
  return { kind: "failed", status, detail };
}
