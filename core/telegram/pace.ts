/**
 * Pacing every message this process sends to Telegram within its documented
 * limits: at most 30 messages in any second in all, one per second per
 * chat, and nothing while a 429's `retry_after` runs.
 *
 * Installed as a grammy API transformer on the client from
 * core/telegram/api.ts (`telegramPacing`), so queued messages and the bot's
 * replies (when it uses that client or installs the same transformer on its
 * own `bot.api`) share one budget.
 *
 * How: one pump hands out global slots one at a time — at least
 * `globalGapMs` (30 ms) after the previous grant, and at least a second
 * after the *answer* to the send 30 places back; a chat's next message
 * waits for the answer to its previous one plus a second. A request reaches
 * Telegram after its grant and before its answer, so these bounds hold at
 * Telegram's end however the requests are delayed on the way (a busy event
 * loop, a slow network) — a plain minimum interval of 34 ms measured here
 * does not: in the `notify` bench on two busy cores it let 3 sliding
 * seconds hold 31 messages at the receiver. The 30 ms gap (not 33.4) lets
 * the pump catch up a little after a late timer; the window rule keeps the
 * limit. Cost: each window of 30 also waits one round trip, ~1 % on
 * loopback.
 *
 * Why our own and not @grammyjs/transformer-throttler (bottleneck): its
 * limits are timed from when requests start, not from Telegram's answers
 * (the same weakness), it grants slots ahead of time so an event-loop
 * stall releases them together, and a 429 does not pause everything.
 */
import type { Transformer } from "grammy";

export interface PacerOptions {
  globalGapMs?: number;
  globalPerSec?: number;
  chatGapMs?: number;
  now?: () => number;
}

/** Bot API methods that put a message in a chat (what Telegram's limits count). */
const SENDING = new Set([
  "sendMessage",
  "sendPhoto",
  "sendDocument",
  "sendVideo",
  "sendAnimation",
  "sendAudio",
  "sendVoice",
  "sendSticker",
  "sendLocation",
  "sendContact",
  "sendMediaGroup",
  "copyMessage",
  "forwardMessage",
]);

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

interface Sent {
  /** When the answer came back (null while in flight). */
  done: number | null;
  finished: Promise<void>;
  finish: () => void;
}

export class TelegramPacer {
  readonly globalGapMs: number;
  readonly globalPerSec: number;
  readonly chatGapMs: number;
  readonly #now: () => number;
  #waiting: Array<(slot: Sent) => void> = [];
  #pumping = false;
  #lastGrant = -Infinity;
  #pausedUntil = 0;
  /** The last `globalPerSec` sends, oldest first. */
  #recent: Sent[] = [];
  /** Per chat: the promise the next message waits for, and when the last one was answered. */
  #chatTail = new Map<number | string, Promise<void>>();
  #chatLast = new Map<number | string, number>();
  #chatQueued = new Map<number | string, number>();

  constructor(opts: PacerOptions = {}) {
    this.globalGapMs = opts.globalGapMs ?? 30;
    this.globalPerSec = opts.globalPerSec ?? 30;
    this.chatGapMs = opts.chatGapMs ?? 1_001;
    this.#now = opts.now ?? Date.now;
  }

  /** Stops every send for `ms` (a 429's `retry_after`). */
  pause(ms: number) {
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#now() + ms);
  }

  get pausedUntil(): number {
    return this.#pausedUntil;
  }

  /** How long a message to `chat` would wait now for the ones before it (about). */
  chatDelayMs(chat: number | string): number {
    const last = this.#chatLast.get(chat);
    const gap = last === undefined ? 0 : Math.max(0, last + this.chatGapMs - this.#now());
    return gap + (this.#chatQueued.get(chat) ?? 0) * this.chatGapMs;
  }

  /** Runs `send` when a message to `chat` may leave. */
  async run<T>(chat: number | string, send: () => Promise<T>): Promise<T> {
    this.#chatQueued.set(chat, (this.#chatQueued.get(chat) ?? 0) + 1);
    const prev = this.#chatTail.get(chat) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => release = r);
    const tail = prev.then(() => mine);
    this.#chatTail.set(chat, tail);
    let slot: Sent | undefined;
    try {
      await prev;
      const last = this.#chatLast.get(chat);
      if (last !== undefined) await sleep(last + this.chatGapMs - this.#now());
      slot = await this.#globalSlot();
      return await send();
    } finally {
      // Timed from the answer: the request reached Telegram no later than that.
      if (slot) {
        slot.done = this.#now();
        slot.finish();
        this.#chatLast.set(chat, slot.done);
      }
      release();
      const queued = (this.#chatQueued.get(chat) ?? 1) - 1;
      if (queued > 0) this.#chatQueued.set(chat, queued);
      else this.#chatQueued.delete(chat);
      if (this.#chatTail.get(chat) === tail) this.#chatTail.delete(chat);
      if (this.#chatLast.size > 10_000) this.#forgetIdleChats();
    }
  }

  #forgetIdleChats() {
    const cutoff = this.#now() - this.chatGapMs;
    for (const [chat, at] of this.#chatLast) {
      if (at < cutoff && !this.#chatTail.has(chat)) this.#chatLast.delete(chat);
    }
  }

  #globalSlot(): Promise<Sent> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      if (!this.#pumping) this.#pump();
    });
  }

  /**
   * Grants slots one by one: at least `globalGapMs` after the previous grant,
   * after any pause, and at least a second after the answer to the send
   * `globalPerSec` places back (so however late requests arrive, no sliding
   * second at Telegram holds more than `globalPerSec`).
   */
  async #pump() {
    this.#pumping = true;
    try {
      while (this.#waiting.length) {
        const ref = this.#recent.length >= this.globalPerSec ? this.#recent[0] : null;
        if (ref && ref.done === null) {
          await ref.finished;
          continue;
        }
        const wait = Math.max(
          this.#lastGrant + this.globalGapMs,
          this.#pausedUntil,
          ref ? ref.done! + 1_001 : -Infinity,
        ) - this.#now();
        if (wait > 0) {
          await sleep(wait);
          continue; // a 429 may have extended the pause meanwhile
        }
        this.#lastGrant = this.#now();
        let finish!: () => void;
        const finished = new Promise<void>((r) => finish = r);
        const slot: Sent = { done: null, finished, finish };
        this.#recent.push(slot);
        if (this.#recent.length > this.globalPerSec) this.#recent.shift();
        this.#waiting.shift()!(slot);
      }
    } finally {
      this.#pumping = false;
    }
  }
}

/**
 * The grammy transformer: sending methods wait for the pacer; a 429 answer
 * pauses the pacer for its `retry_after` (the caller still sees the error
 * and retries its own message later).
 */
export function pacingTransformer(pacer: TelegramPacer): Transformer {
  return async (prev, method, payload, signal) => {
    const chat = (payload as { chat_id?: number | string } | undefined)?.chat_id;
    if (!SENDING.has(method) || chat === undefined) return prev(method, payload, signal);
    const res = await pacer.run(chat, () => prev(method, payload, signal));
    if (!res.ok && res.error_code === 429) {
      pacer.pause((res.parameters?.retry_after ?? 1) * 1000);
    }
    return res;
  };
}
