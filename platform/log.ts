/**
 * Structured logging: one JSON object per line on stdout.
 *
 * Every line carries `time`, `level` and `msg`; inside a request (or a job)
 * the `requestId` and `userId` of that context are added automatically, so
 * code deep in core/ does not pass them around.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogContext {
  requestId?: string;
  userId?: string;
  job?: string;
}

const context = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `ctx` attached to every log line written inside it. */
export function withLogContext<T>(ctx: LogContext, fn: () => T): T {
  return context.run(ctx, fn);
}

/** The context of the current request or job (mutable: e.g. userId once known). */
export function logContext(): LogContext | undefined {
  return context.getStore();
}

type Sink = (line: string, urgent?: boolean) => void;

const encoder = new TextEncoder();
// Lines are encoded into one buffer as they come, and the buffer is written
// at most every FLUSH_MS (or when full): a write per line, or a timer per
// event-loop turn, costs more than a cheap request, and encoding each line
// at once spares joining the batch into one string first. Warnings and
// errors are written at once, so a crash loses nothing that explains it.
const FLUSH_MS = 20;
const BUFFER_BYTES = 64 * 1024;
const buffer = new Uint8Array(BUFFER_BYTES);
let used = 0;
let scheduled = false;

function writeAll(bytes: Uint8Array) {
  try {
    let written = 0;
    while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
  } catch {
    // stdout closed (e.g. a piped consumer went away): nothing useful to do.
  }
}

function flush() {
  scheduled = false;
  if (!used) return;
  const n = used;
  used = 0;
  writeAll(buffer.subarray(0, n));
}

const stdoutSink: Sink = (line, urgent) => {
  // UTF-8 takes at most 3 bytes per UTF-16 unit.
  if (used + line.length * 3 > BUFFER_BYTES) {
    flush();
    if (line.length * 3 > BUFFER_BYTES) return writeAll(encoder.encode(line));
  }
  used += encoder.encodeInto(line, buffer.subarray(used)).written;
  if (urgent) flush();
  else if (!scheduled) {
    scheduled = true;
    const timer = setTimeout(flush, FLUSH_MS);
    Deno.unrefTimer(timer);
  }
};

let minRank = RANK.info;
let sink: Sink = stdoutSink;

export function configureLog(opts: { level?: LogLevel; sink?: Sink | null }) {
  if (opts.level) minRank = RANK[opts.level];
  if (opts.sink !== undefined) sink = opts.sink ?? stdoutSink;
}

/** Writes what is buffered now (before exit, or in tests). */
export function flushLog() {
  flush();
}

export function serializeError(err: unknown): LogFields {
  if (err instanceof Error) {
    const out: LogFields = { type: err.name, message: err.message, stack: err.stack };
    if (err.cause !== undefined) out.cause = serializeError(err.cause);
    return out;
  }
  return { type: typeof err, message: String(err) };
}

// The timestamp of the last line, reused while the clock stays in the same
// millisecond: formatting a Date costs more than the rest of a request line.
let stampMs = -1;
let stamp = "";

function timestamp(): string {
  const now = Date.now();
  if (now !== stampMs) {
    stampMs = now;
    stamp = new Date(now).toISOString();
  }
  return stamp;
}

/** Keys every line has; a field of the same name replaces the value (as in an object). */
const RESERVED = new Set(["time", "level", "msg", "requestId", "userId", "job"]);

function write(
  level: LogLevel,
  msg: string,
  fields?: LogFields,
  ctx: LogContext | undefined = context.getStore(),
) {
  if (RANK[level] < minRank) return;
  const time = timestamp();
  let line: string | undefined;
  try {
    line = fields && hasReserved(fields)
      ? JSON.stringify(entryOf(time, level, msg, ctx, fields))
      : lineOf(time, level, msg, ctx, fields);
  } catch {
    // Cyclic or BigInt fields: the line still says what happened.
  }
  line ??= JSON.stringify({ time, level, msg, note: "fields not serializable" });
  sink(line + "\n", level === "warn" || level === "error");
}

function hasReserved(fields: LogFields): boolean {
  for (const k in fields) if (RESERVED.has(k)) return true;
  return false;
}

/**
 * The JSON line built as text, key by key: the same output as stringifying
 * the entry object (keys in the same order, undefined and function values
 * left out, `toJSON` honoured), without building that object for every line.
 */
function lineOf(
  time: string,
  level: LogLevel,
  msg: string,
  ctx: LogContext | undefined,
  fields: LogFields | undefined,
): string {
  let line = '{"time":"' + time + '","level":"' + level + '","msg":' + JSON.stringify(msg);
  if (ctx) {
    if (ctx.requestId) line += ',"requestId":' + JSON.stringify(ctx.requestId);
    if (ctx.userId) line += ',"userId":' + JSON.stringify(ctx.userId);
    if (ctx.job) line += ',"job":' + JSON.stringify(ctx.job);
  }
  if (fields) {
    for (const k in fields) {
      if (!Object.hasOwn(fields, k)) continue;
      const v = fields[k];
      const text = JSON.stringify(v instanceof Error ? serializeError(v) : v);
      // JSON.stringify gives undefined for undefined, functions and symbols: no key then.
      if (text !== undefined) line += "," + JSON.stringify(k) + ":" + text;
    }
  }
  return line + "}";
}

function entryOf(
  time: string,
  level: LogLevel,
  msg: string,
  ctx: LogContext | undefined,
  fields: LogFields,
): LogFields {
  const entry: LogFields = { time, level, msg };
  if (ctx?.requestId) entry.requestId = ctx.requestId;
  if (ctx?.userId) entry.userId = ctx.userId;
  if (ctx?.job) entry.job = ctx.job;
  for (const [k, v] of Object.entries(fields)) {
    entry[k] = v instanceof Error ? serializeError(v) : v;
  }
  return entry;
}

/**
 * The access line of a request, in `ctx`, written once its response is final.
 * Built for its fixed shape (the same JSON as an info line "request" with the
 * fields method, path, route, status and ms, in `ctx`): it is written for every request,
 * so the generic per-field path of `write` would be most of its cost.
 */
export function logRequest(
  ctx: LogContext,
  method: string,
  path: string,
  route: string | null,
  status: number,
  ms: number,
) {
  if (RANK.info < minRank) return;
  let line = '{"time":"' + timestamp() + '","level":"info","msg":"request"';
  if (ctx.requestId) line += ',"requestId":' + JSON.stringify(ctx.requestId);
  if (ctx.userId) line += ',"userId":' + JSON.stringify(ctx.userId);
  if (ctx.job) line += ',"job":' + JSON.stringify(ctx.job);
  // A method is an HTTP token (no quote or backslash); the path comes from the client.
  line += ',"method":"' + method + '","path":' + JSON.stringify(path) + ',"route":' +
    (route === null ? "null" : JSON.stringify(route)) + ',"status":' + status + ',"ms":' + ms +
    "}\n";
  sink(line, false);
}

export const log = {
  debug: (msg: string, fields?: LogFields) => write("debug", msg, fields),
  info: (msg: string, fields?: LogFields) => write("info", msg, fields),
  warn: (msg: string, fields?: LogFields) => write("warn", msg, fields),
  error: (msg: string, fields?: LogFields) => write("error", msg, fields),
};
