/**
 * Sending one queued email (the body of the `email` job) with nodemailer:
 * SMTP when `config.email.smtpUrl` is set, otherwise an .eml file in
 * `DATA_DIR/outbox` (the log names it).
 *
 * - One pooled SMTP transport per process (per `Services`), kept open
 *   between messages and closed by `closeMailer` when the services close.
 * - Timeouts on connecting, the greeting and an idle socket, so a hung
 *   server fails the attempt (and the job retries) instead of holding a slot.
 * - Errors are classified: an SMTP 5xx answer (except 503, a session-state
 *   complaint) is permanent — sending the same message again gets the same
 *   answer — and fails the job at once; 4xx answers, refused or dropped
 *   connections and timeouts are retried by the queue.
 * - Sent once across a retried job: a claim in Deno KV per message key
 *   ("sending" with a lease, then "sent"), as in core/push/deliver.ts.
 *
 * A crash between the server accepting the message and the "sent" marker
 * being written leaves the "sending" claim; once its lease runs out the
 * retry sends again. Email is at least once here, on purpose: for a reset
 * or confirmation link a rare duplicate is better than a lost message. The
 * duplicate carries the same Message-ID (derived from the key), which many
 * mail clients and servers use to collapse it.
 */
// @deno-types="@types/nodemailer"
import nodemailer, { type SendMailOptions, type Transporter } from "nodemailer";
import { join } from "node:path";
import type { Services } from "../services.ts";
import type { EmailJob } from "./outbox.ts";
import { wants } from "../notification_prefs.ts";
import { sha256Hex } from "@/platform/encoding.ts";
import { log } from "@/platform/log.ts";

/** How long the "sent" marker is kept (longer than the job's whole retry schedule). */
const MARKER_TTL_MS = 7 * 86400_000;
/** How long a run holds the claim while sending (longer than the job's timeout). */
const LEASE_MS = 2 * 60_000;

/** Connection timeouts (nodemailer's defaults are minutes). */
export const SMTP_TIMEOUTS = {
  connectionTimeout: 15_000,
  greetingTimeout: 15_000,
  socketTimeout: 30_000,
} as const;

type Claim =
  | { state: "sending"; until: number }
  | { state: "sent" | "failed"; at: number };

export type EmailResult =
  | { outcome: "sent"; messageId: string; file?: string }
  | { outcome: "duplicate" | "skipped"; detail?: string }
  | { outcome: "retry"; detail: string; responseCode?: number }
  | { outcome: "failed"; detail: string; responseCode?: number };

export function outboxDir(s: Services): string {
  return join(s.config.dataDir, "outbox");
}

const transports = new WeakMap<Services, Transporter>();

/** The process's pooled SMTP transport (created on first use). */
function smtpTransport(s: Services, url: string): Transporter {
  let t = transports.get(s);
  if (!t) {
    // Settings in the URL (e.g. `?ignoreTLS=true` for a loopback server) win over these.
    t = nodemailer.createTransport({
      url,
      pool: true,
      maxConnections: 3,
      maxMessages: 100,
      ...SMTP_TIMEOUTS,
    });
    transports.set(s, t);
  }
  return t;
}

/** Closes the SMTP pool (services.close). Queued mail stays in the queue. */
export function closeMailer(s: Services): void {
  const t = transports.get(s);
  if (!t) return;
  transports.delete(s);
  t.close();
}

/** What nodemailer attaches to the errors of a failed send. */
interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** Retry or give up, by the SMTP reply (RFC 5321: 5yz permanent, 4yz transient). */
export function classifySmtpError(err: unknown): EmailResult & { outcome: "retry" | "failed" } {
  const e = (err ?? {}) as SmtpError;
  const detail = (e.response ?? e.message ?? String(err)).slice(0, 300);
  const code = e.responseCode;
  if (typeof code === "number" && code >= 500 && code < 600 && code !== 503) {
    return { outcome: "failed", detail, responseCode: code };
  }
  // No recipient or sender the server could take, without a reply code: also final.
  if (e.code === "EENVELOPE" && code === undefined) return { outcome: "failed", detail };
  return { outcome: "retry", detail, ...(code ? { responseCode: code } : {}) };
}

/** A Message-ID that is the same for every attempt of one message. */
async function stableMessageId(s: Services, key: string): Promise<string> {
  const from = s.config.email.from;
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? "gafus.localhost";
  return `<${(await sha256Hex(`email:${key}`)).slice(0, 32)}@${domain}>`;
}

/**
 * The address a non-account message goes to now: the account's current
 * address (it may have changed since the message was queued), or null when
 * the account is gone, disabled, without an address, or opted out of the
 * category by email. Account mail always goes where it was addressed.
 */
async function currentRecipient(s: Services, job: EmailJob): Promise<string | null> {
  if (job.purpose === "account" || !job.userId) return job.to;
  const user = await s.db.selectFrom("users").select(["email", "disabled_at"])
    .where("id", "=", job.userId).executeTakeFirst();
  if (!user || user.disabled_at !== null || !user.email) return null;
  if (
    (job.purpose === "notification" || job.purpose === "campaign") && job.category &&
    !await wants(s, job.userId, job.category, "email")
  ) return null;
  return user.email;
}

export async function deliverEmail(
  s: Services,
  job: EmailJob,
  opts: { signal?: AbortSignal; now?: () => number } = {},
): Promise<EmailResult> {
  const now = opts.now ?? Date.now;
  const key = ["email_sent", job.key];
  const existing = await s.kv.get<Claim>(key);
  if (existing.value) {
    const c = existing.value;
    if (c.state !== "sending") return { outcome: "duplicate" };
    if (c.until > now()) return { outcome: "retry", detail: "another delivery is sending" };
  }

  const to = await currentRecipient(s, job);
  if (to === null) {
    log.info("email dropped at delivery", { key: job.key, userId: job.userId });
    return { outcome: "skipped", detail: "the recipient no longer wants it or has no address" };
  }

  const claimed = await s.kv.atomic().check(existing)
    .set(key, { state: "sending", until: now() + LEASE_MS } satisfies Claim, {
      expireIn: MARKER_TTL_MS,
    }).commit();
  if (!claimed.ok) return { outcome: "retry", detail: "another delivery took the claim" };
  const finish = (state: "sent" | "failed") =>
    s.kv.set(key, { state, at: now() } satisfies Claim, { expireIn: MARKER_TTL_MS });

  const message: SendMailOptions & { signal?: AbortSignal } = {
    from: s.config.email.from,
    to,
    subject: job.subject,
    text: job.text,
    html: job.html,
    messageId: await stableMessageId(s, job.key),
    signal: opts.signal,
    // Only where an unsubscribe URL is given (campaigns, notifications); never on account mail.
    ...(job.unsubscribeUrl && job.purpose !== "account"
      ? {
        list: { unsubscribe: { url: job.unsubscribeUrl, comment: "Unsubscribe" } },
        headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      }
      : {}),
  };

  const smtpUrl = s.config.email.smtpUrl;
  try {
    if (smtpUrl) {
      const info = await smtpTransport(s, smtpUrl).sendMail(message);
      await finish("sent");
      log.info("email sent", { key: job.key, purpose: job.purpose, messageId: info.messageId });
      return { outcome: "sent", messageId: info.messageId };
    }
    const file = await writeToOutbox(s, job.key, message);
    await finish("sent");
    // The embedded default: nothing leaves the machine; the log says where to look.
    log.info("email written to outbox", { file, subject: job.subject, purpose: job.purpose });
    return { outcome: "sent", messageId: String(message.messageId), file };
  } catch (err) {
    const r = classifySmtpError(err);
    if (r.outcome === "failed") await finish("failed");
    // Free the claim so the retry can send.
    else await s.kv.delete(key);
    log.warn("email not sent", {
      key: job.key,
      outcome: r.outcome,
      responseCode: r.responseCode,
      detail: r.detail,
    });
    return r;
  }
}

async function writeToOutbox(s: Services, key: string, message: SendMailOptions): Promise<string> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const info = await transport.sendMail(message);
  const dir = outboxDir(s);
  await Deno.mkdir(dir, { recursive: true });
  const file = join(dir, `${Date.now()}-${key.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 100)}.eml`);
  await Deno.writeFile(file, info.message as unknown as Uint8Array);
  return file;
}
