/**
 * A real SMTP server on loopback for the email tests (npm `smtp-server`),
 * parsing what it receives with `mailparser`. It can refuse the next N
 * messages with a reply code (451: try later, 550: refused), and counts
 * every DATA attempt, so a test sees retries and the one mail that arrived.
 */
import { SMTPServer } from "smtp-server";
import { type ParsedMail, simpleParser } from "mailparser";

export interface ReceivedMail {
  /** The envelope recipients (RCPT TO). */
  to: string[];
  from: string;
  parsed: ParsedMail;
  /** The raw message as received. */
  raw: string;
}

export class TestSmtp {
  readonly mails: ReceivedMail[] = [];
  /** Every message the client tried to hand over (accepted or refused). */
  attempts = 0;
  private failures: { left: number; code: number; message: string } | null = null;
  private server: SMTPServer;
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      // Plain SMTP on loopback: no STARTTLS offered.
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      // Closing does not wait 30 s for the app's idle pooled connection.
      closeTimeout: 200,
      onData: (stream, session, callback) => {
        const chunks: Uint8Array[] = [];
        stream.on("data", (c: Uint8Array) => chunks.push(c));
        stream.on("end", async () => {
          this.attempts++;
          const f = this.failures;
          if (f && f.left > 0) {
            f.left--;
            const err = new Error(f.message) as Error & { responseCode: number };
            err.responseCode = f.code;
            return callback(err);
          }
          const raw = new TextDecoder().decode(concat(chunks));
          const parsed = await simpleParser(raw);
          this.mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            parsed,
            raw,
          });
          callback();
        });
      },
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    const addr = this.server.server.address();
    this.port = typeof addr === "object" && addr ? addr.port : 0;
    return this;
  }

  /** `SMTP_URL` for the app: plain SMTP, no TLS upgrade on loopback. */
  url(port = this.port): string {
    return `smtp://127.0.0.1:${port}/?ignoreTLS=true`;
  }

  /** Refuses the next `count` messages with `code` (451 = try later, 550 = refused). */
  failNext(count: number, code = 451, message = "Requested action aborted: try again later") {
    this.failures = { left: count, code, message };
  }

  mailsTo(address: string): ReceivedMail[] {
    return this.mails.filter((m) => m.to.includes(address));
  }

  /** Waits until `pred` holds for some received mail. */
  async waitFor(pred: (m: ReceivedMail) => boolean, ms = 10_000): Promise<ReceivedMail> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const found = this.mails.find(pred);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no such mail within ${ms} ms (got ${this.mails.length})`);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The first http(s) link in a text body that points under `path`. */
export function linkIn(text: string, path: string): string {
  const m = new RegExp(`https?://[^\\s]*${path.replace(/[/]/g, "\\/")}[^\\s]*`).exec(text);
  if (!m) throw new Error(`no ${path} link in:\n${text}`);
  return m[0];
}
