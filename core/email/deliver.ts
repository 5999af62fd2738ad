/**
 * Sending one queued email (the body of the `email` job) with nodemailer:
 * SMTP when `config.email.smtpUrl` is set, otherwise an .eml file in
 * `DATA_DIR/outbox` (the log names it). A KV marker per message key makes a
 * retried job a no-op once the message went out.
 */
// @deno-types="@types/nodemailer"
import nodemailer from "nodemailer";
import { join } from "node:path";
import type { Services } from "../services.ts";
import type { EmailJob } from "./outbox.ts";
import { log } from "@/platform/log.ts";

const MARKER_TTL_MS = 7 * 86400_000;

export type EmailResult =
  | { outcome: "sent"; messageId: string; file?: string }
  | { outcome: "duplicate" | "skipped"; detail?: string };

export function outboxDir(s: Services): string {
  return join(s.config.dataDir, "outbox");
}

export async function deliverEmail(s: Services, job: EmailJob): Promise<EmailResult> {
  const marker = ["email_sent", job.key];
  if ((await s.kv.get(marker)).value) return { outcome: "duplicate" };
  const message = {
    from: s.config.email.from,
    to: job.to,
    subject: job.subject,
    text: job.text,
    html: job.html,
    ...(job.unsubscribeUrl
      ? {
        list: { unsubscribe: { url: job.unsubscribeUrl, comment: "Unsubscribe" } },
        headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      }
      : {}),
  };
  let result: EmailResult;
  if (s.config.email.smtpUrl) {
    const transport = nodemailer.createTransport(s.config.email.smtpUrl);
    try {
      const info = await transport.sendMail(message);
      result = { outcome: "sent", messageId: info.messageId };
    } finally {
      transport.close();
    }
  } else {
    const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
    const info = await transport.sendMail(message);
    const dir = outboxDir(s);
    await Deno.mkdir(dir, { recursive: true });
    const file = join(dir, `${Date.now()}-${job.key.replace(/[^A-Za-z0-9_-]/g, "_")}.eml`);
    await Deno.writeFile(file, info.message as unknown as Uint8Array);
    log.info("email written to outbox", { file, subject: job.subject });
    result = { outcome: "sent", messageId: info.messageId, file };
  }
  await s.kv.set(marker, { at: Date.now() }, { expireIn: MARKER_TTL_MS });
  return result;
}
