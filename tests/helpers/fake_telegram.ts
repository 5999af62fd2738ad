/**
 * A fake Telegram Bot API server on loopback, for tests and the bench: real
 * grammy talks to it through `TELEGRAM_API_ROOT` (= `fake.url`).
 *
 * It answers `POST /bot<token>/<method>` like the real API (`{ ok, result }`
 * or `{ ok: false, error_code, description, parameters }`), records every
 * call, keeps the messages it "delivered", serves `getUpdates` long polling
 * from updates a test pushes, and counts rate-limit violations the way
 * Telegram's documented limits read: more than `perChatPerSec` messages to
 * one chat, or `globalPerSec` messages in all, within any sliding second.
 * With `enforceLimits`, a message over a limit is refused with 429 and a
 * `retry_after`, as Telegram does.
 */

export interface FakeCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
  /** When the answer went out (a long `getUpdates` ends well after `at`). */
  endedAt?: number;
  /** The caller's tag: the path prefix of its API root (`urlFor(tag)`), "" without one. */
  via: string;
}

export interface FakeMessage {
  message_id: number;
  chat_id: number;
  text: string;
  reply_markup?: unknown;
  parse_mode?: string;
  /** `sendMessage` or `editMessageText`. */
  method: string;
  at: number;
}

export interface FakeFailure {
  error_code: number;
  description: string;
  retry_after?: number;
}

export interface FakeTelegramOptions {
  token?: string;
  username?: string;
  /** Refuse a message over a limit with 429 (default false: deliver it and count the violation). */
  enforceLimits?: boolean;
  globalPerSec?: number;
  perChatPerSec?: number;
  /** Longest a `getUpdates` waits (default: the client's timeout, capped at 2 s). */
  maxPollMs?: number;
}

/** Methods that send a message to a chat (counted against the limits). */
const SENDING = new Set([
  "sendMessage",
  "sendPhoto",
  "sendDocument",
  "sendVideo",
  "copyMessage",
  "forwardMessage",
]);

export class FakeTelegram {
  readonly token: string;
  readonly username: string;
  readonly calls: FakeCall[] = [];
  /** Messages delivered (sent or edited), in order. */
  readonly messages: FakeMessage[] = [];
  readonly violations = { global: 0, perChat: 0 };
  /** Counted 429 answers given for limits (with `enforceLimits`) and scripted ones. */
  rateLimited = 0;
  enforceLimits: boolean;
  globalPerSec: number;
  perChatPerSec: number;

  #server: Deno.HttpServer<Deno.NetAddr>;
  #nextMessageId = 1;
  #updateId = 1;
  #updates: unknown[] = [];
  #pollers: Array<() => void> = [];
  #failures: Array<{ method: string; chatId?: number; failure: FakeFailure; times: number }> = [];
  #blocked = new Set<number>();
  #sendTimes: number[] = [];
  #chatTimes = new Map<number, number[]>();
  #maxPollMs: number;
  #closed = false;

  constructor(opts: FakeTelegramOptions = {}) {
    this.token = opts.token ?? "123456:TEST-fake-token-abcdefghijklmnopqrstuv";
    this.username = opts.username ?? "gafus_test_bot";
    this.enforceLimits = opts.enforceLimits ?? false;
    this.globalPerSec = opts.globalPerSec ?? 30;
    this.perChatPerSec = opts.perChatPerSec ?? 1;
    this.#maxPollMs = opts.maxPollMs ?? 2_000;
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (req) => this.#handle(req),
    );
  }

  /** `TELEGRAM_API_ROOT` for the app. */
  get url(): string {
    return `http://127.0.0.1:${this.#server.addr.port}`;
  }

  /** An API root whose calls are recorded with `via: tag` (tells several app processes apart). */
  urlFor(tag: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(tag)) throw new Error(`bad tag ${tag}`);
    return `${this.url}/${tag}`;
  }

  /** The environment a test app needs to talk to this server. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      TELEGRAM_BOT_TOKEN: this.token,
      TELEGRAM_API_ROOT: this.url,
      TELEGRAM_BOT_USERNAME: this.username,
      ...extra,
    };
  }

  /** Calls of one method (e.g. "setMyCommands"). */
  callsOf(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages delivered to one chat. */
  messagesTo(chatId: number): FakeMessage[] {
    return this.messages.filter((m) => m.chat_id === chatId);
  }

  /** Resolves when `pred` holds (checked every 10 ms), or throws after `timeoutMs`. */
  async waitFor(pred: () => boolean, timeoutMs = 5_000, what = "condition"): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`fake telegram: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The next `times` calls of `method` (to `chatId`, if given) fail with `failure`. */
  failNext(method: string, failure: FakeFailure, opts: { chatId?: number; times?: number } = {}) {
    this.#failures.push({ method, chatId: opts.chatId, failure, times: opts.times ?? 1 });
  }

  /** Messages to this chat answer 403 "Forbidden: bot was blocked by the user". */
  block(chatId: number) {
    this.#blocked.add(chatId);
  }

  unblock(chatId: number) {
    this.#blocked.delete(chatId);
  }

  /** Queues an update for `getUpdates` (an `update_id` is added when missing); returns it. */
  pushUpdate(update: Record<string, unknown>): Record<string, unknown> {
    const u = { update_id: this.#updateId++, ...update };
    this.#updates.push(u);
    for (const wake of this.#pollers.splice(0)) wake();
    return u;
  }

  /** A private text message from `chatId` (as an update, not yet pushed). */
  textUpdate(
    chatId: number,
    text: string,
    from: { language_code?: string; first_name?: string } = {},
  ): Record<string, unknown> {
    const entities = text.startsWith("/")
      ? [{ type: "bot_command", offset: 0, length: text.split(/\s/)[0].length }]
      : undefined;
    return {
      update_id: this.#updateId++,
      message: {
        message_id: this.#nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: "private", first_name: from.first_name ?? "Test" },
        from: {
          id: chatId,
          is_bot: false,
          first_name: from.first_name ?? "Test",
          language_code: from.language_code ?? "ru",
        },
        text,
        ...(entities ? { entities } : {}),
      },
    };
  }

  /** A press on an inline button with `data` under message `messageId` in `chatId`. */
  callbackUpdate(
    chatId: number,
    data: string,
    messageId = 1,
    from: { language_code?: string } = {},
  ): Record<string, unknown> {
    return {
      update_id: this.#updateId++,
      callback_query: {
        id: String(this.#updateId * 7919),
        chat_instance: String(chatId),
        data,
        from: {
          id: chatId,
          is_bot: false,
          first_name: "Test",
          language_code: from.language_code ?? "ru",
        },
        message: {
          message_id: messageId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: chatId, type: "private", first_name: "Test" },
          text: "…",
        },
      },
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const wake of this.#pollers.splice(0)) wake();
    await this.#server.shutdown();
  }

  async [Symbol.asyncDispose]() {
    await this.close();
  }

  // ---------------------------------------------------------------- serving

  async #handle(req: Request): Promise<Response> {
    const path = new URL(req.url).pathname;
    const m = path.match(/^(?:\/([A-Za-z0-9_-]+))?\/bot([^/]+)\/([A-Za-z]+)$/);
    if (!m) return this.#error(404, "Not Found");
    if (m[2] !== this.token) return this.#error(401, "Unauthorized");
    const method = m[3];
    const params = await readParams(req);
    const at = Date.now();
    const call: FakeCall = { method, params, at, via: m[1] ?? "" };
    this.calls.push(call);
    const res = await this.#answer(call);
    call.endedAt = Date.now();
    return res;
  }

  async #answer({ method, params, at }: FakeCall): Promise<Response> {
    const chatId = params.chat_id === undefined ? undefined : Number(params.chat_id);
    const scripted = this.#failures.findIndex((f) =>
      f.method === method && (f.chatId === undefined || f.chatId === chatId)
    );
    if (scripted >= 0) {
      const f = this.#failures[scripted];
      if (--f.times <= 0) this.#failures.splice(scripted, 1);
      if (f.failure.error_code === 429) this.rateLimited++;
      return this.#error(f.failure.error_code, f.failure.description, f.failure.retry_after);
    }
    if (chatId !== undefined && this.#blocked.has(chatId) && SENDING.has(method)) {
      return this.#error(403, "Forbidden: bot was blocked by the user");
    }

    switch (method) {
      case "getMe":
        return this.#ok({
          id: Number(this.token.split(":")[0]),
          is_bot: true,
          first_name: "Gafus",
          username: this.username,
          can_join_groups: false,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        });
      case "getUpdates":
        return this.#ok(await this.#poll(params));
      case "sendMessage":
      case "editMessageText": {
        if (chatId === undefined || typeof params.text !== "string") {
          return this.#error(400, "Bad Request: chat_id and text are required");
        }
        if (method === "sendMessage") {
          const over = this.#countSend(chatId, at);
          if (over) {
            this.rateLimited++;
            return this.#error(429, `Too Many Requests: retry after ${over}`, over);
          }
        }
        const message_id = method === "editMessageText"
          ? Number(params.message_id)
          : this.#nextMessageId++;
        this.messages.push({
          message_id,
          chat_id: chatId,
          text: params.text,
          reply_markup: params.reply_markup,
          parse_mode: params.parse_mode as string | undefined,
          method,
          at,
        });
        return this.#ok({
          message_id,
          date: Math.floor(at / 1000),
          chat: { id: chatId, type: "private" },
          text: params.text,
        });
      }
      default:
        // setMyCommands, setWebhook, deleteWebhook, answerCallbackQuery, …
        return this.#ok(true);
    }
  }

  /** Records a send; with `enforceLimits`, returns the retry_after for one over a limit. */
  #countSend(chatId: number, at: number): number | 0 {
    const recent = (list: number[]) => {
      while (list.length && list[0] <= at - 1000) list.shift();
      return list;
    };
    const all = recent(this.#sendTimes);
    const chat = recent(this.#chatTimes.get(chatId) ?? []);
    const overGlobal = all.length >= this.globalPerSec;
    const overChat = chat.length >= this.perChatPerSec;
    if ((overGlobal || overChat) && this.enforceLimits) return 1;
    if (overGlobal) this.violations.global++;
    if (overChat) this.violations.perChat++;
    all.push(at);
    chat.push(at);
    this.#chatTimes.set(chatId, chat);
    return 0;
  }

  async #poll(params: Record<string, unknown>): Promise<unknown[]> {
    const offset = Number(params.offset ?? 0);
    // Confirmed updates (below the offset) are forgotten, as Telegram does.
    this.#updates = this.#updates.filter((u) => (u as { update_id: number }).update_id >= offset);
    if (!this.#updates.length && !this.#closed) {
      const waitMs = Math.min(Number(params.timeout ?? 0) * 1000, this.#maxPollMs);
      if (waitMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.#pollers = this.#pollers.filter((p) => p !== wake);
            resolve();
          }, waitMs);
          const wake = () => {
            clearTimeout(timer);
            resolve();
          };
          this.#pollers.push(wake);
        });
      }
    }
    const limit = Number(params.limit ?? 100);
    return this.#updates.slice(0, limit);
  }

  #ok(result: unknown): Response {
    return Response.json({ ok: true, result });
  }

  #error(code: number, description: string, retryAfter?: number): Response {
    return Response.json(
      {
        ok: false,
        error_code: code,
        description,
        ...(retryAfter !== undefined ? { parameters: { retry_after: retryAfter } } : {}),
      },
      { status: code },
    );
  }
}

async function readParams(req: Request): Promise<Record<string, unknown>> {
  const type = req.headers.get("content-type") ?? "";
  if (type.includes("application/json")) {
    const text = await req.text();
    return text ? JSON.parse(text) : {};
  }
  if (type.includes("form")) {
    const form = await req.formData();
    const out: Record<string, unknown> = {};
    for (const [k, v] of form) {
      if (typeof v !== "string") continue;
      try {
        out[k] = JSON.parse(v);
      } catch {
        out[k] = v;
      }
    }
    return out;
  }
  const url = new URL(req.url);
  return Object.fromEntries(url.searchParams);
}
