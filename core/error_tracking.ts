/**
 * Error tracking: server errors (requests, jobs, cron, the bot) and browser
 * errors are stored in Postgres and grouped by a fingerprint — the type, the
 * message with numbers, ids, UUIDs and hex taken out, and the top stack frame
 * without line numbers — so "user 42 not found" and "user 43 not found" are
 * one group. A group counts occurrences, remembers when it was first and last
 * seen, and has a status: new, resolved or ignored; a resolved group that
 * happens again becomes "regressed". A new (or regressed) group enqueues an
 * `ops-alert` job.
 *
 * `reportError` never throws: error reporting must not turn one failure into
 * two. When the database is down it logs and gives up.
 */
import { z } from "zod";
import { sql } from "kysely";
import type { Services } from "./services.ts";
import { NotFoundError, type OpsActor, requireOpsActor } from "./auth/guards.ts";
import { isId, newId } from "@/platform/ids.ts";
import { sha256Hex } from "@/platform/encoding.ts";
import { log, logContext } from "@/platform/log.ts";
import { json } from "@/db/connection.ts";
import {
  ERROR_GROUP_STATUSES,
  ERROR_SOURCES,
  type ErrorGroupStatus,
  type ErrorSource,
  type JsonObject,
  type JsonValue,
} from "@/db/schema.ts";
import { errorsReported } from "@/platform/metrics.ts";

// ------------------------------------------------------- fingerprinting

const UUID_RE = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const HEX_RE = /\b(?:0x[0-9a-f]+|[0-9a-f]{8,})\b/gi;
// Long tokens mixing letters and digits: cuids, base64url tokens, hashes in names.
const TOKEN_RE = /\b(?=[A-Za-z_-]*\d)(?=\d*[A-Za-z])[A-Za-z0-9_-]{12,}\b/g;
const NUMBER_RE = /\d+(?:\.\d+)?/g;

/** The message with the parts that vary between occurrences replaced by placeholders. */
export function normalizeMessage(message: string): string {
  return message
    .replace(UUID_RE, "<uuid>")
    .replace(HEX_RE, "<hex>")
    .replace(TOKEN_RE, "<id>")
    .replace(NUMBER_RE, "<n>")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 500);
}

const FRAME_RE = /^\s*at\s+\S|^[^\s@]*@\S+:\d+/;
// Frames in libraries and the runtime say little about where our code failed.
const FOREIGN_RE = /node_modules|\bext:|\(node:|\bnode:internal|\(native\)|<anonymous>/;

/**
 * The first stack frame of our own code (else the first frame), made stable
 * across deploys and hosts: no line or column numbers, no origin, no content
 * hash in bundle names, no query string.
 */
export function topFrame(stack: string | undefined | null): string | null {
  if (!stack) return null;
  const frames = stack.split("\n").filter((line) => FRAME_RE.test(line));
  const frame = frames.find((line) => !FOREIGN_RE.test(line)) ?? frames[0];
  if (!frame) return null;
  return frame.trim()
    .replace(/^at\s+/, "")
    .replace(/[a-z][a-z0-9+.-]*:\/\/[^/\s)]*/gi, "")
    .replace(/\?[^\s):]*/g, "")
    .replace(/-[A-Za-z0-9]{8,}(\.m?js)/g, "$1")
    .replace(/(?::\d+)+(?=\)?$)/, "")
    .slice(0, 1000) || null;
}

export async function fingerprint(
  source: ErrorSource,
  type: string,
  message: string,
  frame: string | null,
): Promise<string> {
  return await sha256Hex([source, type, normalizeMessage(message), frame ?? ""].join("\n"));
}

// ----------------------------------------------------------- reporting

/** What is known around an error; every field is optional. */
export interface ErrorContext {
  url?: string | null;
  userAgent?: string | null;
  userId?: string | null;
  requestId?: string | null;
  release?: string | null;
  /** Anything else worth seeing next to the stack (job name and id, method, path…). */
  [key: string]: unknown;
}

export interface ReportInput {
  source: ErrorSource;
  error: unknown;
  context?: ErrorContext;
}

export interface ReportResult {
  groupId: string;
  /** The first occurrence of this kind of error. */
  isNew: boolean;
  /** It had been resolved and came back. */
  regressed: boolean;
  /** False when the occurrence was only counted (a burst of the same error). */
  stored: boolean;
}

interface Described {
  type: string;
  message: string;
  stack: string | null;
}

function describe(error: unknown): Described {
  if (error instanceof Error) {
    const type = error.name && error.name !== "Error"
      ? error.name
      : error.constructor?.name || "Error";
    let stack = error.stack ?? null;
    if (error.cause !== undefined) {
      const cause = describe(error.cause);
      stack = `${stack ?? ""}\nCaused by: ${cause.type}: ${cause.message}\n${cause.stack ?? ""}`;
    }
    return { type, message: error.message || type, stack };
  }
  if (typeof error === "object" && error !== null) {
    const o = error as Record<string, unknown>;
    if (typeof o.message === "string") {
      return {
        type: typeof o.type === "string" ? o.type : typeof o.name === "string" ? o.name : "Error",
        message: o.message,
        stack: typeof o.stack === "string" ? o.stack : null,
      };
    }
  }
  let text: string;
  try {
    text = typeof error === "string" ? error : JSON.stringify(error) ?? String(error);
  } catch {
    text = String(error);
  }
  return { type: "NonError", message: text, stack: null };
}

function clip(v: unknown, max: number): string | null {
  if (typeof v !== "string" || v === "") return null;
  return v.length > max ? v.slice(0, max) : v;
}

/** JSON-safe copy of extra context, bounded so one report cannot be huge. */
/**
 * Browsers report `location.href`: a reset link in it is a live credential,
 * so its token is cut out before anything is stored.
 */
export function redactSecrets(url: string | null | undefined): string | null | undefined {
  if (!url) return url;
  return url.replace(/\/password-reset\/[^/?#]+/g, "/password-reset/:token")
    .replace(/([?&])_csrf=[^&#]*/g, "$1_csrf=redacted");
}

function extraContext(ctx: ErrorContext): JsonObject {
  const out: JsonObject = {};
  const skip = new Set(["url", "userAgent", "userId", "requestId", "release"]);
  let budget = 8000;
  for (const [k, v] of Object.entries(ctx)) {
    if (skip.has(k) || v === undefined) continue;
    let value: JsonValue;
    try {
      value = JSON.parse(JSON.stringify(v) ?? "null");
    } catch {
      value = String(v);
    }
    const size = JSON.stringify(value).length + k.length;
    if (size > budget) {
      out[k] = "(too large)";
      continue;
    }
    budget -= size;
    out[k] = value;
  }
  return out;
}

// A burst of one error (a loop, a hot path failing) is counted but only a few
// occurrences per minute are stored, so the table stays small and fast.
const BURST_WINDOW_MS = 60_000;
const BURST_STORE = 10;
const bursts = new Map<string, { start: number; n: number }>();

function storeThisOne(fp: string, now: number): boolean {
  let b = bursts.get(fp);
  if (!b || now - b.start > BURST_WINDOW_MS) {
    if (bursts.size > 5000) bursts.clear();
    b = { start: now, n: 0 };
    bursts.set(fp, b);
  }
  return ++b.n <= BURST_STORE;
}

/** Occurrences kept per group; older ones are pruned (the count keeps the total). */
export const REPORTS_KEPT = 100;

/**
 * Stores one occurrence and updates its group. Resolves to null (and logs)
 * when it cannot be stored; never rejects.
 */
export function reportError(
  services: Services,
  input: ReportInput,
): Promise<ReportResult | null> {
  // A job runtime without a database (its own unit tests) has nowhere to store it.
  if (!services?.db) return Promise.resolve(null);
  const p = record(services, input).catch((err) => {
    log.error("error tracking failed", { err, reported: describe(input.error).message });
    return null;
  });
  // Callers often do not wait (an error page must not wait for tracking):
  // shutdown waits for these instead, so no report is cut off mid-write.
  inFlight.add(p);
  p.finally(() => inFlight.delete(p));
  return p;
}

const inFlight = new Set<Promise<unknown>>();

/** Waits for error reports still being written (before the database closes). */
export async function settleErrorReports(): Promise<void> {
  while (inFlight.size) await Promise.allSettled([...inFlight]);
}

async function record(services: Services, input: ReportInput): Promise<ReportResult> {
  const ctx = input.context ?? {};
  const d = describe(input.error);
  const type = d.type.slice(0, 200);
  const message = (d.message || "(no message)").slice(0, 4000);
  const frame = topFrame(d.stack);
  const fp = await fingerprint(input.source, type, message, frame);
  const lc = logContext();
  const now = new Date();
  errorsReported.labels(input.source).inc();

  const group = await services.db.transaction().execute(async (trx) => {
    // xmax = 0 only for a freshly inserted row: tells insert from update in one
    // statement; `prev` is the row as it was before (its status tells a regression).
    const row = await sql<{
      id: string;
      status: ErrorGroupStatus;
      count: number;
      inserted: boolean;
      prev_status: ErrorGroupStatus | null;
      prev_resolved_at: Date | null;
    }>`
      WITH prev AS (SELECT status, resolved_at FROM error_groups WHERE fingerprint = ${fp})
      INSERT INTO error_groups (id, fingerprint, source, type, message, top_frame, first_seen_at, last_seen_at)
      VALUES (${newId()}, ${fp}, ${input.source}, ${type}, ${
      message.slice(0, 2000)
    }, ${frame}, ${now}, ${now})
      ON CONFLICT (fingerprint) DO UPDATE SET
        count = error_groups.count + 1,
        last_seen_at = GREATEST(error_groups.last_seen_at, EXCLUDED.last_seen_at),
        status = CASE WHEN error_groups.status = 'resolved' THEN 'regressed' ELSE error_groups.status END
      RETURNING id, status, count, (xmax = 0) AS inserted,
        (SELECT status FROM prev) AS prev_status, (SELECT resolved_at FROM prev) AS prev_resolved_at
    `.execute(trx);
    const g = row.rows[0];
    const stored = g.inserted || storeThisOne(fp, now.getTime());
    if (stored) {
      await trx.insertInto("error_reports").values({
        id: newId(),
        group_id: g.id,
        occurred_at: now,
        message,
        stack: clip(d.stack, 20000),
        url: clip(redactSecrets(ctx.url), 2000),
        user_agent: clip(ctx.userAgent, 1000),
        user_id: clip(ctx.userId ?? lc?.userId, 100),
        request_id: clip(ctx.requestId ?? lc?.requestId, 100),
        release: clip(ctx.release ?? services.config.release, 64),
        context: json(extraContext(ctx)),
      }).execute();
      if (g.count > REPORTS_KEPT && g.count % 20 === 0) {
        await sql`
          DELETE FROM error_reports WHERE group_id = ${g.id} AND id NOT IN (
            SELECT id FROM error_reports WHERE group_id = ${g.id}
            ORDER BY occurred_at DESC LIMIT ${REPORTS_KEPT})
        `.execute(trx);
      }
    }
    return { ...g, stored };
  });

  const regressed = !group.inserted && group.prev_status === "resolved";
  if (group.inserted || regressed) {
    log.warn(group.inserted ? "new error group" : "error group regressed", {
      groupId: group.id,
      source: input.source,
      type,
      message: message.slice(0, 200),
    });
    const reason = group.inserted ? "new" : "regressed";
    await services.jobs.enqueue("ops-alert", { groupId: group.id, reason }, {
      // Two processes seeing the same regression at once alert once.
      dedupeKey: `${group.id}:${
        group.inserted ? "new" : `regressed:${group.prev_resolved_at?.getTime() ?? 0}`
      }`,
    }).catch((err) => log.warn("ops-alert not enqueued", { err, groupId: group.id }));
  }
  return {
    groupId: group.id,
    isNew: group.inserted,
    regressed,
    stored: group.stored,
  };
}

// -------------------------------------------------------- browser errors

/** What the browser reporter (framework/client/boot.ts) sends. */
export const clientErrorSchema = z.object({
  type: z.string().trim().max(200).optional(),
  message: z.string().trim().min(1).max(4000),
  stack: z.string().max(20000).optional(),
  url: z.string().max(2000).optional(),
  /** Script, line and column from `window.onerror` when there is no stack. */
  source: z.string().max(2000).optional(),
  line: z.number().int().min(0).max(10_000_000).optional(),
  column: z.number().int().min(0).max(10_000_000).optional(),
  kind: z.enum(["error", "unhandledrejection"]).optional(),
});

export type ClientErrorInput = z.input<typeof clientErrorSchema>;

/** Largest body the client-error endpoint reads. */
export const CLIENT_ERROR_MAX_BYTES = 16 * 1024;

/** Reports per IP and minute; a page in an error loop must not flood the table. */
export const CLIENT_ERROR_RULE = {
  name: "client-errors",
  limit: 20,
  windowMs: 60_000,
  perIp: true,
} as const;

/** Validates and stores a browser error. Throws a ZodError for a malformed report. */
export async function reportClientError(
  services: Services,
  input: unknown,
  meta: { userAgent?: string | null; userId?: string | null; requestId?: string | null },
): Promise<ReportResult | null> {
  const data = clientErrorSchema.parse(input);
  let stack = data.stack ?? null;
  if (!stack && data.source) {
    // window.onerror without an Error object: make a one-frame stack of what we know.
    stack = `${data.type ?? "Error"}: ${data.message}\n    at ${data.source}:${data.line ?? 0}:${
      data.column ?? 0
    }`;
  }
  return await reportError(services, {
    source: "client",
    error: {
      type: data.type || (data.kind === "unhandledrejection" ? "UnhandledRejection" : "Error"),
      message: data.message,
      stack,
    },
    context: {
      url: data.url ?? null,
      userAgent: meta.userAgent ?? null,
      userId: meta.userId ?? null,
      requestId: meta.requestId ?? null,
      ...(data.kind ? { kind: data.kind } : {}),
    },
  });
}

// ------------------------------------------------------- the ops console

export interface ErrorGroupRow {
  id: string;
  source: ErrorSource;
  type: string;
  message: string;
  topFrame: string | null;
  status: ErrorGroupStatus;
  count: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
}

export const errorFilterSchema = z.object({
  status: z.enum(ERROR_GROUP_STATUSES as [ErrorGroupStatus, ...ErrorGroupStatus[]]).optional(),
  source: z.enum(ERROR_SOURCES as [ErrorSource, ...ErrorSource[]]).optional(),
  q: z.string().trim().max(200).optional(),
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().min(0).max(1_000_000).default(0),
});

export type ErrorFilter = z.input<typeof errorFilterSchema>;

function groupRow(r: {
  id: string;
  source: ErrorSource;
  type: string;
  message: string;
  top_frame: string | null;
  status: ErrorGroupStatus;
  count: number;
  first_seen_at: Date;
  last_seen_at: Date;
  resolved_at: Date | null;
}): ErrorGroupRow {
  return {
    id: r.id,
    source: r.source,
    type: r.type,
    message: r.message,
    topFrame: r.top_frame,
    status: r.status,
    count: r.count,
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
    resolvedAt: r.resolved_at,
  };
}

const GROUP_COLUMNS = [
  "id",
  "source",
  "type",
  "message",
  "top_frame",
  "status",
  "count",
  "first_seen_at",
  "last_seen_at",
  "resolved_at",
] as const;

/** Groups, most recently seen first, with filters; `total` counts all matches. */
export async function listErrorGroups(
  services: Services,
  actor: OpsActor | null,
  filter: ErrorFilter = {},
): Promise<{ groups: ErrorGroupRow[]; total: number }> {
  requireOpsActor(actor, { write: false });
  const f = errorFilterSchema.parse(filter);
  let q = services.db.selectFrom("error_groups");
  if (f.status) q = q.where("status", "=", f.status);
  if (f.source) q = q.where("source", "=", f.source);
  if (f.q) {
    const like = `%${f.q.toLowerCase().replace(/[%_\\]/g, (c) => "\\" + c)}%`;
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn("lower", ["message"]), "like", like),
        eb(eb.fn("lower", ["type"]), "like", like),
        eb(eb.fn("lower", ["top_frame"]), "like", like),
      ])
    );
  }
  const [rows, total] = await Promise.all([
    q.select(GROUP_COLUMNS).orderBy("last_seen_at", "desc").orderBy("id", "desc")
      .limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { groups: rows.map(groupRow), total: total.n };
}

export interface ErrorReportRow {
  id: string;
  occurredAt: Date;
  message: string;
  stack: string | null;
  url: string | null;
  userAgent: string | null;
  userId: string | null;
  username: string | null;
  requestId: string | null;
  release: string | null;
  context: JsonObject;
}

export interface ErrorGroupDetail extends ErrorGroupRow {
  resolvedBy: string | null;
  /** Newest first. */
  reports: ErrorReportRow[];
}

/** A group with its most recent occurrences; NotFoundError when there is none. */
export async function getErrorGroup(
  services: Services,
  actor: OpsActor | null,
  id: string,
  opts: { reports?: number } = {},
): Promise<ErrorGroupDetail> {
  requireOpsActor(actor, { write: false });
  if (!isId(id)) throw new NotFoundError();
  const g = await services.db.selectFrom("error_groups")
    .leftJoin("users", "users.id", "error_groups.resolved_by")
    .select(GROUP_COLUMNS.map((c) => `error_groups.${c}` as const))
    .select("users.username as resolved_by_name")
    .where("error_groups.id", "=", id)
    .executeTakeFirst();
  if (!g) throw new NotFoundError();
  const reports = await services.db.selectFrom("error_reports")
    .leftJoin("users", "users.id", "error_reports.user_id")
    .select([
      "error_reports.id",
      "error_reports.occurred_at",
      "error_reports.message",
      "error_reports.stack",
      "error_reports.url",
      "error_reports.user_agent",
      "error_reports.user_id",
      "users.username",
      "error_reports.request_id",
      "error_reports.release",
      "error_reports.context",
    ])
    .where("error_reports.group_id", "=", id)
    .orderBy("error_reports.occurred_at", "desc")
    .limit(Math.min(opts.reports ?? 20, REPORTS_KEPT))
    .execute();
  return {
    ...groupRow(g),
    resolvedBy: g.resolved_by_name,
    reports: reports.map((r) => ({
      id: r.id,
      occurredAt: r.occurred_at,
      message: r.message,
      stack: r.stack,
      url: r.url,
      userAgent: r.user_agent,
      userId: r.user_id,
      username: r.username,
      requestId: r.request_id,
      release: r.release,
      context: r.context,
    })),
  };
}

/** What an operator may set: resolved, ignored, or back to new (reopen). */
export const groupActionSchema = z.enum(["resolve", "ignore", "reopen"]);
export type GroupAction = z.infer<typeof groupActionSchema>;

const ACTION_STATUS: Record<GroupAction, ErrorGroupStatus> = {
  resolve: "resolved",
  ignore: "ignored",
  reopen: "new",
};

/** Resolves, ignores or reopens a group (ADMIN). NotFoundError when there is none. */
export async function setErrorGroupStatus(
  services: Services,
  actor: OpsActor | null,
  id: string,
  action: GroupAction,
): Promise<ErrorGroupRow> {
  const by = requireOpsActor(actor, { write: true });
  const a = groupActionSchema.parse(action);
  if (!isId(id)) throw new NotFoundError();
  const status = ACTION_STATUS[a];
  const row = await services.db.updateTable("error_groups")
    .set({
      status,
      resolved_at: status === "resolved" ? new Date() : null,
      resolved_by: status === "resolved" ? by : null,
    })
    .where("id", "=", id)
    .returning(GROUP_COLUMNS)
    .executeTakeFirst();
  if (!row) throw new NotFoundError();
  log.info("error group status changed", { groupId: id, status, by: by ?? "system" });
  return groupRow(row);
}

/** Group counts by status (for /metrics and the overview). */
export async function errorGroupCounts(
  services: Services,
): Promise<Record<ErrorGroupStatus, number>> {
  const rows = await services.db.selectFrom("error_groups")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("status")
    .execute();
  const out = Object.fromEntries(ERROR_GROUP_STATUSES.map((s) => [s, 0])) as Record<
    ErrorGroupStatus,
    number
  >;
  for (const r of rows) out[r.status] = r.n;
  return out;
}

/** Groups first seen since `since` (the overview shows those of today). */
export async function newErrorGroupsSince(services: Services, since: Date): Promise<number> {
  const r = await services.db.selectFrom("error_groups")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("first_seen_at", ">=", since)
    .executeTakeFirstOrThrow();
  return r.n;
}
