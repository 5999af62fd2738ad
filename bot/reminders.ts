/**
 * /reminders in the bot: the linked learner's reminders as a message with
 * inline buttons — switch each on or off, change its time (−1 h … +1 h),
 * delete it, add one from a few presets — edited in place on every press.
 * The same core functions as the settings page, so the same limits and
 * ownership checks: a button carrying someone else's reminder id finds
 * nothing. Callback data: `rem:<op>[:<id>[:<arg>]]`, parsed strictly.
 */
import { Composer, GrammyError, InlineKeyboard } from "grammy";
import type { BotContext } from "./context.ts";
import { AppError } from "@/core/app_error.ts";
import { NotFoundError } from "@/core/auth/guards.ts";
import {
  createReminder,
  deleteReminder,
  getReminder,
  listReminders,
  MAX_REMINDERS,
  type ReminderView,
  shiftReminder,
  toggleReminder,
} from "@/core/reminders/reminders.ts";
import { describeDays } from "@/core/reminders/format.ts";
import { WEEKDAYS } from "@/core/reminders/time.ts";
import { absoluteUrl, remindersSettingsPath } from "@/core/paths.ts";
import type { LinkedUser } from "./context.ts";

/** Times offered to add with one press (every day). */
export const PRESETS = ["08:00", "12:00", "18:00", "20:00"] as const;
/** Time changes offered on a reminder, in minutes. */
export const SHIFTS = [-60, -15, 15, 60] as const;
const SHIFT_LABELS = {
  "-60": "reminders.bot.minus1h",
  "-15": "reminders.bot.minus15m",
  "15": "reminders.bot.plus15m",
  "60": "reminders.bot.plus1h",
} as const;

const ID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const CALLBACK = new RegExp(
  `^rem:(?:(l)|(a):(\\d{4})|([tedx]):(${ID})|(s):(${ID}):(-?\\d{1,3}))$`,
);

export type ReminderCallback =
  | { op: "list" }
  | { op: "add"; time: string }
  | { op: "toggle" | "toggleHere" | "edit" | "delete"; id: string }
  | { op: "shift"; id: string; delta: number };

const OPS = { t: "toggle", x: "toggleHere", e: "edit", d: "delete" } as const;

/** The button data, parsed; null for anything not made by this module. */
export function parseReminderCallback(data: string): ReminderCallback | null {
  const m = CALLBACK.exec(data);
  if (!m) return null;
  if (m[1]) return { op: "list" };
  if (m[2]) {
    const time = `${m[3].slice(0, 2)}:${m[3].slice(2)}`;
    return (PRESETS as readonly string[]).includes(time) ? { op: "add", time } : null;
  }
  if (m[4]) return { op: OPS[m[4] as keyof typeof OPS], id: m[5] };
  const delta = Number(m[8]);
  return (SHIFTS as readonly number[]).includes(delta) ? { op: "shift", id: m[7], delta } : null;
}

type View = { text: string; keyboard: InlineKeyboard };

function line(ctx: BotContext, r: ReminderView, n?: number): string {
  const { t } = ctx.gafus;
  const vars = {
    n: n ?? "",
    time: r.time,
    days: describeDays(t, r.mask),
    state: t(r.enabled ? "reminders.on" : "reminders.off"),
  };
  return n === undefined ? t("reminders.bot.editTitle", vars) : t("reminders.bot.line", vars);
}

function settingsButton(ctx: BotContext, kb: InlineKeyboard): InlineKeyboard {
  const url = absoluteUrl(ctx.gafus.services.config, remindersSettingsPath());
  return kb.row().url(ctx.gafus.t("reminders.bot.settings"), url);
}

async function listView(ctx: BotContext, user: LinkedUser): Promise<View> {
  const { t, services } = ctx.gafus;
  const list = await listReminders(services, user);
  const kb = new InlineKeyboard();
  for (const r of list) {
    kb.text(`${r.enabled ? "🔔" : "🔕"} ${r.time} · ${describeDays(t, r.mask)}`, `rem:t:${r.id}`)
      .text("✏️", `rem:e:${r.id}`)
      .text("🗑", `rem:d:${r.id}`)
      .row();
  }
  if (list.length < MAX_REMINDERS) {
    for (const p of PRESETS) {
      if (list.some((r) => r.time === p && r.mask === 0b1111111)) continue;
      kb.text(t("reminders.bot.addPreset", { time: p }), `rem:a:${p.replace(":", "")}`);
    }
  }
  const lines = list.length
    ? [
      t("reminders.bot.title", { zone: user.timeZone }),
      ...list.map((r, i) => line(ctx, r, i + 1)),
      "",
      t("reminders.bot.hint"),
    ]
    : [t("reminders.bot.empty")];
  if (list.length && list.length < MAX_REMINDERS) lines.push(t("reminders.bot.addTitle"));
  if (list.length >= MAX_REMINDERS) lines.push(t("reminders.full", { max: MAX_REMINDERS }));
  return { text: lines.join("\n"), keyboard: settingsButton(ctx, kb) };
}

function editView(ctx: BotContext, r: ReminderView): View {
  const { t } = ctx.gafus;
  const kb = new InlineKeyboard();
  for (const d of SHIFTS) kb.text(t(SHIFT_LABELS[d]), `rem:s:${r.id}:${d}`);
  kb.row()
    .text(t(r.enabled ? "reminders.bot.toggleOff" : "reminders.bot.toggleOn"), `rem:x:${r.id}`)
    .text(t("reminders.bot.delete"), `rem:d:${r.id}`)
    .row()
    .text(t("reminders.bot.back"), "rem:l");
  return { text: line(ctx, r), keyboard: kb };
}

/** Replaces the pressed message; an unchanged message is no error. */
async function show(ctx: BotContext, view: View): Promise<void> {
  try {
    await ctx.editMessageText(view.text, { reply_markup: view.keyboard });
  } catch (err) {
    if (err instanceof GrammyError && /message is not modified/i.test(err.description)) return;
    throw err;
  }
}

async function press(ctx: BotContext, user: LinkedUser, cb: ReminderCallback): Promise<string> {
  const s = ctx.gafus.services;
  const { t } = ctx.gafus;
  switch (cb.op) {
    case "list":
      await show(ctx, await listView(ctx, user));
      return "";
    case "add":
      await createReminder(s, user, { time: cb.time, days: [...WEEKDAYS] });
      await show(ctx, await listView(ctx, user));
      return t("reminders.done.added");
    case "toggle": {
      const r = await toggleReminder(s, user, cb.id);
      await show(ctx, await listView(ctx, user));
      return t(r.enabled ? "reminders.done.enabled" : "reminders.done.disabled");
    }
    case "toggleHere": {
      const r = await toggleReminder(s, user, cb.id);
      await show(ctx, editView(ctx, r));
      return t(r.enabled ? "reminders.done.enabled" : "reminders.done.disabled");
    }
    case "edit":
      await show(ctx, editView(ctx, await getReminder(s, user, cb.id)));
      return "";
    case "shift":
      await show(ctx, editView(ctx, await shiftReminder(s, user, cb.id, cb.delta)));
      return t("reminders.bot.saved");
    case "delete":
      await deleteReminder(s, user, cb.id);
      await show(ctx, await listView(ctx, user));
      return t("reminders.bot.deleted");
  }
}

/** The /reminders command and its buttons; `bot.use(remindersComposer())` after `gafusContext`. */
export function remindersComposer(): Composer<BotContext> {
  const c = new Composer<BotContext>();

  c.command("reminders", async (ctx) => {
    const user = ctx.gafus.user;
    if (!user) {
      await ctx.reply(ctx.gafus.t("reminders.bot.notLinked"));
      return;
    }
    const view = await listView(ctx, user);
    await ctx.reply(view.text, { reply_markup: view.keyboard });
  });

  c.callbackQuery(/^rem:/, async (ctx) => {
    const { t } = ctx.gafus;
    const user = ctx.gafus.user;
    if (!user) {
      await ctx.answerCallbackQuery({ text: t("reminders.bot.notLinked"), show_alert: true });
      return;
    }
    const cb = parseReminderCallback(ctx.callbackQuery.data);
    if (!cb) {
      await ctx.answerCallbackQuery();
      return;
    }
    try {
      const note = await press(ctx, user, cb);
      await ctx.answerCallbackQuery(note ? { text: note } : undefined);
    } catch (err) {
      if (err instanceof NotFoundError) {
        // Deleted elsewhere, or not this user's: show what there is.
        await show(ctx, await listView(ctx, user));
        await ctx.answerCallbackQuery({ text: t("reminders.bot.gone") });
      } else if (err instanceof AppError) {
        await ctx.answerCallbackQuery({ text: err.describe(t), show_alert: true });
      } else {
        throw err;
      }
    }
  });

  return c;
}
