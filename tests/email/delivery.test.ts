/**
 * The `email` queue against a real SMTP server on loopback: a server that
 * answers 451 or is down is retried and the mail arrives once; a 5xx fails
 * the job at once; without SMTP the message is an .eml in DATA_DIR/outbox
 * named by the log; unsubscribe headers appear only when asked (never on
 * account mail); a notification whose category was turned off is dropped
 * when it is about to leave.
 */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { openRuntime } from "../queues/helpers.ts";
import { TestSmtp } from "./smtp.ts";
import emailJob from "@/queues/jobs/email.ts";
import { type JobContext, PermanentJobError } from "@/queues/define.ts";
import { classifySmtpError, deliverEmail, outboxDir } from "@/core/email/deliver.ts";
import { type EmailOutgoing, emailOutgoingSchema, enqueueEmail } from "@/core/email/outbox.ts";
import { renderEmail } from "@/core/email/layout.ts";
import { setPrefs } from "@/core/notification_prefs.ts";
import { configureLog } from "@/platform/log.ts";
import { newId } from "@/platform/ids.ts";
import { simpleParser } from "mailparser";

function message(over: Partial<EmailOutgoing> = {}): EmailOutgoing {
  return {
    key: `test:${newId()}`,
    to: "learner@example.ru",
    ...renderEmail({
      subject: "Проверка",
      heading: "Здравствуйте!",
      paragraphs: ["Это письмо <b>проверяет</b> доставку."],
      action: { label: "Открыть", url: "http://localhost:8000/courses" },
    }),
    purpose: "account",
    ...over,
  };
}

function jobContext(t: TestApp, attempt = 1): JobContext {
  return {
    services: t.services,
    job: { id: newId(), name: "email", queue: "email", attempt, maxAttempts: 6 },
    signal: new AbortController().signal,
    progress: () => Promise.resolve(),
    once: () => Promise.reject(new Error("not used by the email job")),
  };
}

/** A port nobody listens on (taken and released at once). */
function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

Deno.test("SMTP answering 451 twice: the queue retries and the mail arrives once", async () => {
  await using smtp = await new TestSmtp().start();
  await using t = await openTestApp({ SMTP_URL: smtp.url() });
  smtp.failNext(2, 451);
  // The real job with its schedule shortened, on the real job runtime.
  await using q = await openRuntime([{ ...emailJob, retry: [50, 50, 50] }], {
    services: () => t.services,
  });
  const msg = emailOutgoingSchema.parse(message({ subject: "Только раз" }));
  const jobId = await q.rt.enqueue("email", msg);
  await q.rt.drain({ timeoutMs: 20_000 });

  assertEquals(smtp.attempts, 3, "two refusals, then the accepted attempt");
  assertEquals(smtp.mails.length, 1);
  assertEquals(smtp.mails[0].parsed.subject, "Только раз");
  assertEquals(smtp.mails[0].to, ["learner@example.ru"]);
  const info = await q.rt.get(jobId);
  assertEquals(info?.state, "done");
  assertEquals(info?.attempts, 3);

  // The same message again (a redelivered job, or a second enqueue with its key): nothing sent.
  assertEquals((await emailJob.handler(msg, jobContext(t))) as unknown, { outcome: "duplicate" });
  await enqueueEmail(t.services, { ...msg });
  assertEquals(smtp.mails.length, 1);
});

Deno.test("the same message delivered twice at the same time is sent once", async () => {
  await using smtp = await new TestSmtp().start();
  await using t = await openTestApp({ SMTP_URL: smtp.url() });
  const msg = emailOutgoingSchema.parse(message());
  const results = await Promise.allSettled([
    emailJob.handler(msg, jobContext(t)),
    emailJob.handler(msg, jobContext(t)),
  ]);
  // One sends; the other finds the claim taken and asks for a retry, which then is a no-op.
  assertEquals(results.filter((r) => r.status === "fulfilled").length, 1);
  assertEquals(smtp.mails.length, 1);
  assertEquals((await emailJob.handler(msg, jobContext(t, 2))) as unknown, {
    outcome: "duplicate",
  });
  assertEquals(smtp.mails.length, 1);
});

Deno.test("SMTP down at first: the connection error is retried, the mail goes once it is up", async () => {
  const port = freePort();
  await using t = await openTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}/?ignoreTLS=true` });
  const msg = emailOutgoingSchema.parse(message());
  const err = await assertRejects(() => emailJob.handler(msg, jobContext(t, 1)));
  assert(!(err instanceof PermanentJobError), "a refused connection is worth retrying");

  const smtp = new TestSmtp();
  await new Promise<void>((resolve) => {
    // Same port as configured: the server "comes back".
    (smtp as unknown as { server: { listen(p: number, h: string, cb: () => void): void } })
      .server.listen(port, "127.0.0.1", resolve);
  });
  try {
    const r = await emailJob.handler(msg, jobContext(t, 2)) as { outcome: string };
    assertEquals(r.outcome, "sent");
    assertEquals(smtp.mails.length, 1);
    assertEquals(smtp.attempts, 1, "the failed attempt never reached a server");
  } finally {
    await smtp.close();
  }
});

Deno.test("a server that accepts the connection and never answers times out, and the job retries", async () => {
  // Accepts TCP and stays silent (no SMTP greeting).
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const c of silent) conns.push(c);
  })();
  const port = (silent.addr as Deno.NetAddr).port;
  try {
    // URL options win over the built-in timeouts (seconds in production): short ones here.
    await using t = await openTestApp({
      SMTP_URL: `smtp://127.0.0.1:${port}/?greetingTimeout=300&connectionTimeout=500`,
    });
    const started = Date.now();
    const err = await assertRejects(() =>
      emailJob.handler(emailOutgoingSchema.parse(message()), jobContext(t))
    );
    assert(!(err instanceof PermanentJobError), "a silent server is worth retrying");
    assertStringIncludes((err as Error).message, "Greeting never received");
    assert(Date.now() - started < 5_000, "gave up on the greeting instead of waiting");
  } finally {
    silent.close();
    await accepting.catch(() => {});
    for (const c of conns) {
      try {
        c.close();
      } catch { /* closed by the client already */ }
    }
  }
});

Deno.test("SMTP 550: the job fails at once, without retries; 4xx and dropped connections retry", async () => {
  await using smtp = await new TestSmtp().start();
  await using t = await openTestApp({ SMTP_URL: smtp.url() });
  smtp.failNext(1, 550, "No such user here");
  const msg = emailOutgoingSchema.parse(message());
  await assertRejects(() => emailJob.handler(msg, jobContext(t)), PermanentJobError, "550");
  // Refused for good: a redelivery does not try again.
  assertEquals((await emailJob.handler(msg, jobContext(t, 2))) as unknown, {
    outcome: "duplicate",
  });
  assertEquals(smtp.attempts, 1);
  assertEquals(smtp.mails.length, 0);

  assertEquals(
    classifySmtpError({ responseCode: 452, response: "452 mailbox full" }).outcome,
    "retry",
  );
  assertEquals(
    classifySmtpError({ responseCode: 503, response: "503 bad sequence" }).outcome,
    "retry",
  );
  assertEquals(classifySmtpError({ code: "ETIMEDOUT", message: "timeout" }).outcome, "retry");
  assertEquals(classifySmtpError({ code: "ECONNECTION", message: "closed" }).outcome, "retry");
  assertEquals(classifySmtpError({ responseCode: 554, response: "554 spam" }).outcome, "failed");
});

Deno.test("without SMTP_URL the message is an .eml in DATA_DIR/outbox, and the log names the file", async () => {
  await using t = await openTestApp();
  assertEquals(t.services.config.email.smtpUrl, undefined);
  const lines: string[] = [];
  configureLog({ level: "info", sink: (line) => lines.push(line) });
  let r;
  try {
    r = await deliverEmail(t.services, emailOutgoingSchema.parse(message({ subject: "В папку" })));
  } finally {
    configureLog({ level: "error", sink: null });
  }
  assertEquals(r.outcome, "sent");
  const file = (r as { file: string }).file;
  assert(file.startsWith(outboxDir(t.services)), file);
  assert(file.endsWith(".eml"));
  const logged = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "email written to outbox");
  assertEquals(logged?.file, file);

  const parsed = await simpleParser(await Deno.readTextFile(file));
  assertEquals(parsed.subject, "В папку");
  assertStringIncludes(parsed.text ?? "", "Это письмо <b>проверяет</b> доставку.");
  assertStringIncludes(String(parsed.html), "Это письмо &lt;b&gt;проверяет&lt;/b&gt; доставку.");
  assertEquals([...Deno.readDirSync(outboxDir(t.services))].length, 1);
});

Deno.test("List-Unsubscribe and one-click headers only where an unsubscribe URL is given, never on account mail", async () => {
  await using smtp = await new TestSmtp().start();
  await using t = await openTestApp({ SMTP_URL: smtp.url() });
  const user = await signIn(t, "reader");
  await t.services.db.updateTable("users").set({ email: "reader@example.ru" })
    .where("id", "=", user.id).execute();
  await setPrefs(t.services, user.id, { "news.email": true });
  const unsub = "http://localhost:8000/unsubscribe/abc";
  const base = { to: "reader@example.ru", userId: user.id };
  for (
    const m of [
      message({
        ...base,
        subject: "campaign",
        purpose: "campaign",
        category: "news",
        unsubscribeUrl: unsub,
      }),
      message({ ...base, subject: "plain", purpose: "notification", category: "news" }),
      message({ ...base, subject: "account", purpose: "account", unsubscribeUrl: unsub }),
    ]
  ) {
    assertEquals((await deliverEmail(t.services, emailOutgoingSchema.parse(m))).outcome, "sent");
  }
  const bySubject = (s: string) => smtp.mails.find((m) => m.parsed.subject === s)!;
  const campaign = bySubject("campaign");
  assert(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m.test(campaign.raw));
  assert(campaign.raw.split(/\r?\n/).some((l) => l.startsWith(`List-Unsubscribe: <${unsub}>`)));
  for (const s of ["plain", "account"]) {
    assert(!/^List-Unsubscribe/im.test(bySubject(s).raw), `${s} has no List-Unsubscribe`);
  }
});

Deno.test("a notification mail is dropped at delivery when its category was turned off; account mail is not", async () => {
  await using smtp = await new TestSmtp().start();
  await using t = await openTestApp({ SMTP_URL: smtp.url() });
  const user = await signIn(t, "changeable");
  await t.services.db.updateTable("users").set({ email: "changeable@example.ru" })
    .where("id", "=", user.id).execute();
  await setPrefs(t.services, user.id, { "exams.email": true, "news.email": true });
  const queued = [
    message({
      to: "changeable@example.ru",
      userId: user.id,
      subject: "exam",
      purpose: "notification",
      category: "exams",
    }),
    message({
      to: "changeable@example.ru",
      userId: user.id,
      subject: "news",
      purpose: "campaign",
      category: "news",
    }),
    message({ to: "changeable@example.ru", userId: user.id, subject: "reset", purpose: "account" }),
  ].map((m) => emailOutgoingSchema.parse(m));
  // Queued while wanted; turned off before the messages leave.
  await setPrefs(t.services, user.id, { "exams.email": false, "news.email": false });
  const results = [];
  for (const m of queued) results.push((await deliverEmail(t.services, m)).outcome);
  assertEquals(results, ["skipped", "skipped", "sent"]);
  assertEquals(smtp.mails.map((m) => m.parsed.subject), ["reset"]);

  // Still on for another user: their mail goes (the check is per user).
  const other = await signIn(t, "keeper");
  await t.services.db.updateTable("users").set({ email: "keeper@example.ru" })
    .where("id", "=", other.id).execute();
  await setPrefs(t.services, other.id, { "exams.email": true });
  const r = await deliverEmail(
    t.services,
    emailOutgoingSchema.parse(
      message({
        to: "keeper@example.ru",
        userId: other.id,
        subject: "keeper",
        purpose: "notification",
        category: "exams",
      }),
    ),
  );
  assertEquals(r.outcome, "sent");
  assertEquals(smtp.mailsTo("keeper@example.ru").length, 1);
});
