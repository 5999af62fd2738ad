/**
 * Broadcasts: an admin writes a message (title and body in Russian and/or
 * English, an optional link on this site) for a segment of learners — all of
 * them, the learners of one course, or those inactive for N days — sees a
 * preview and the number of recipients, and confirms. The `broadcast` job
 * then sends it through the notification pipeline (kind `broadcast.message`,
 * category "news", so each user's channel choices apply) in batches, by
 * user id:
 *
 * - the segment is read as of the confirmation (accounts created later are
 *   not in it), so the count shown before sending is what goes out;
 * - each batch is one transaction: the cursor's move (the last user id
 *   done), one `broadcast_recipients` row per learner and their stored
 *   notification. A crash mid-batch leaves none of it; the row's primary key
 *   refuses a second copy when two runs overlap. Deliveries leave through
 *   the notification outbox after the commit (its sweeper covers a crash
 *   right after it);
 * - a broadcast still `sending` whose progress stopped for `STALL_MS` lost
 *   its job (a crash between confirming and enqueueing, retries used up):
 *   the job's sweeper (`sweepBroadcasts`) enqueues it again, and it resumes
 *   at its cursor.
 *
 * Texts are one line each (whitespace collapsed, as notifications show
 * them) and short enough for every channel without clipping: the body is at
 * most `VAR_MAX` (180) characters, the longest variable a notification
 * keeps; the title at most 100. Telegram (4096) and Web Push (about 2.9 KB
 * of JSON, core/push/encrypt.ts) take both whole, even at 3 bytes a
 * character.
 */
import { z } from "zod";
import { type Kysely, sql } from "kysely";
import type { Services } from "./services.ts";
import { changeWithJobs } from "./jobs_tx.ts";
import type { Selectable } from "kysely";
import type { BroadcastsTable, BroadcastStatus, Database, JsonObject } from "@/db/schema.ts";
import { NotFoundError, type OpsActor, requireOpsActor } from "./auth/guards.ts";
import {
  enqueuePendingDeliveries,
  isLocalPath,
  storeNotification,
  VAR_MAX,
} from "./notifications.ts";
import { recordAudit } from "./audit.ts";
import { line } from "./fields.ts";
import { json } from "@/db/connection.ts";
import { isId, newId } from "@/platform/ids.ts";
import { log } from "@/platform/log.ts";
import { crashPoint } from "@/platform/crash_point.ts";
import type { Locale } from "./i18n/mod.ts";

export const BROADCAST_KIND = "broadcast.message";
/** Shorter than the body: a push shows one line of title on a phone. */
export const TITLE_MAX = 100;
/** `notify` keeps variables to this length; the body is one, so it is the limit. */
export const BODY_MAX = VAR_MAX;
export const MAX_INACTIVE_DAYS = 365;
const BATCH = 100;
/**
 * A sending broadcast without progress for this long has lost its job (a
 * batch takes seconds); the sweeper, every 10 minutes, starts it again.
 */
export const STALL_MS = 5 * 60_000;

export const SEGMENT_KINDS = ["all", "course", "inactive"] as const;
export type SegmentKind = typeof SEGMENT_KINDS[number];

export const segmentSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("all") }),
  z.object({ kind: z.literal("course"), courseId: z.string().refine(isId) }),
  z.object({
    kind: z.literal("inactive"),
    days: z.number().int().min(1).max(MAX_INACTIVE_DAYS),
  }),
]);
export type Segment = z.infer<typeof segmentSchema>;

/**
 * One line as notifications show it (core/fields.ts `line`), so the limit
 * counts what recipients get: a line break the browser counted as one
 * character (and the form sends as two) is one space here.
 */
const optionalText = (max: number) => line(max).transform((v) => v || undefined).optional();

/** The form: texts per language, the link, and the segment's fields. */
export const broadcastFormSchema = z.object({
  titleRu: optionalText(TITLE_MAX),
  bodyRu: optionalText(BODY_MAX),
  titleEn: optionalText(TITLE_MAX),
  bodyEn: optionalText(BODY_MAX),
  url: z.string().trim().max(1000, { error: "validation.tooLong" })
    .refine((v) => v === "" || isLocalPath(v), { error: "admin.broadcasts.error.url" })
    .transform((v) => v || undefined).optional(),
  segment: z.enum(SEGMENT_KINDS, { error: "validation.required" }),
  course: z.string().trim().optional(),
  days: z.string().trim().optional(),
}).superRefine((f, ctx) => {
  const pairs: [string | undefined, string | undefined, "Ru" | "En"][] = [
    [f.titleRu, f.bodyRu, "Ru"],
    [f.titleEn, f.bodyEn, "En"],
  ];
  for (const [title, body, lang] of pairs) {
    if (title && !body) {
      ctx.addIssue({ code: "custom", path: [`body${lang}`], message: "validation.required" });
    }
    if (body && !title) {
      ctx.addIssue({ code: "custom", path: [`title${lang}`], message: "validation.required" });
    }
  }
  if (!f.titleRu && !f.bodyRu && !f.titleEn && !f.bodyEn) {
    ctx.addIssue({ code: "custom", path: ["titleRu"], message: "admin.broadcasts.error.noText" });
  }
  if (f.segment === "course" && !(f.course && isId(f.course))) {
    ctx.addIssue({ code: "custom", path: ["course"], message: "validation.required" });
  }
  if (f.segment === "inactive") {
    const n = Number(f.days);
    if (!Number.isInteger(n) || n < 1 || n > MAX_INACTIVE_DAYS) {
      ctx.addIssue({ code: "custom", path: ["days"], message: "admin.broadcasts.error.days" });
    }
  }
});
export type BroadcastForm = z.input<typeof broadcastFormSchema>;

export interface BroadcastTexts {
  ru: { title: string; body: string } | null;
  en: { title: string; body: string } | null;
}

export interface Broadcast {
  id: string;
  segment: Segment;
  /** The course's name for a course segment. */
  courseName: string | null;
  texts: BroadcastTexts;
  url: string | null;
  status: BroadcastStatus;
  total: number;
  sent: number;
  createdAt: Date;
  confirmedAt: Date | null;
  finishedAt: Date | null;
}

type Row = Selectable<BroadcastsTable>;

function toBroadcast(r: Row, names: Map<string, string> = new Map()): Broadcast {
  const segment = segmentSchema.parse(r.segment);
  return {
    id: r.id,
    segment,
    courseName: segment.kind === "course" ? names.get(segment.courseId) ?? null : null,
    texts: {
      ru: r.title_ru && r.body_ru ? { title: r.title_ru, body: r.body_ru } : null,
      en: r.title_en && r.body_en ? { title: r.title_en, body: r.body_en } : null,
    },
    url: r.url,
    status: r.status,
    total: r.total,
    sent: r.sent,
    createdAt: r.created_at,
    confirmedAt: r.confirmed_at,
    finishedAt: r.finished_at,
  };
}

/** The version a recipient gets: their language when written, else the other one. */
export function textsFor(texts: BroadcastTexts, locale: string): { title: string; body: string } {
  const own = locale === "en" ? texts.en : texts.ru;
  return (own ?? texts.ru ?? texts.en)!;
}

/**
 * The segment's recipients as of `at`: learners (role USER) whose account
 * is active and existed then; of one course; or without a step change and a
 * sign-in for `days` before `at`.
 */
function recipientsQuery(db: Kysely<Database>, segment: Segment, at: Date) {
  let q = db.selectFrom("users")
    .where("users.role", "=", "USER")
    .where("users.disabled_at", "is", null)
    .where("users.created_at", "<=", at);
  if (segment.kind === "course") {
    const courseId = segment.courseId;
    q = q.where((eb) =>
      eb.exists(
        eb.selectFrom("user_courses").select(sql`1`.as("x"))
          .whereRef("user_courses.user_id", "=", "users.id")
          .where("user_courses.course_id", "=", courseId),
      )
    );
  } else if (segment.kind === "inactive") {
    const since = new Date(at.getTime() - segment.days * 86_400_000);
    q = q.where("users.created_at", "<", since)
      .where((eb) =>
        eb.or([eb("users.last_login_at", "is", null), eb("users.last_login_at", "<", since)])
      )
      .where((eb) =>
        eb.not(eb.exists(
          eb.selectFrom("user_steps").select(sql`1`.as("x"))
            .whereRef("user_steps.user_id", "=", "users.id")
            .where("user_steps.updated_at", ">=", since),
        ))
      );
  }
  return q;
}

/** How many learners the segment holds right now. */
export async function countRecipients(
  s: Services,
  actor: OpsActor | null,
  segment: Segment,
  at = new Date(),
): Promise<number> {
  requireOpsActor(actor, { write: false });
  const row = await recipientsQuery(s.db, segmentSchema.parse(segment), at)
    .select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Published courses to choose a segment from. */
export async function segmentCourses(
  s: Services,
  actor: OpsActor | null,
): Promise<{ id: string; name: string }[]> {
  requireOpsActor(actor, { write: false });
  return await s.db.selectFrom("courses").select(["id", "name"])
    .where("published_at", "is not", null).where("archived_at", "is", null)
    .orderBy("name").limit(500).execute();
}

/** Saves a draft from the form (ADMIN); throws a ZodError for bad input. */
export async function createBroadcast(
  s: Services,
  actor: OpsActor | null,
  input: BroadcastForm,
): Promise<string> {
  const by = requireOpsActor(actor, { write: true });
  const f = broadcastFormSchema.parse(input);
  let segment: Segment;
  if (f.segment === "course") {
    const course = await s.db.selectFrom("courses").select("id").where("id", "=", f.course!)
      .executeTakeFirst();
    if (!course) {
      throw new z.ZodError([{
        code: "custom",
        path: ["course"],
        message: "validation.required",
        input: f.course,
      }]);
    }
    segment = { kind: "course", courseId: course.id };
  } else if (f.segment === "inactive") segment = { kind: "inactive", days: Number(f.days) };
  else segment = { kind: "all" };
  const id = newId();
  await s.db.insertInto("broadcasts").values({
    id,
    created_by: by,
    segment: json<JsonObject>(segment),
    title_ru: f.titleRu && f.bodyRu ? f.titleRu : null,
    body_ru: f.titleRu && f.bodyRu ? f.bodyRu : null,
    title_en: f.titleEn && f.bodyEn ? f.titleEn : null,
    body_en: f.titleEn && f.bodyEn ? f.bodyEn : null,
    url: f.url ?? null,
  }).execute();
  return id;
}

/** The names of the courses the rows' segments name. */
async function courseNames(db: Kysely<Database>, rows: Row[]): Promise<Map<string, string>> {
  const ids = new Set<string>();
  for (const r of rows) {
    const seg = segmentSchema.safeParse(r.segment);
    if (seg.success && seg.data.kind === "course") ids.add(seg.data.courseId);
  }
  if (!ids.size) return new Map();
  const found = await db.selectFrom("courses").select(["id", "name"]).where("id", "in", [...ids])
    .execute();
  return new Map(found.map((c) => [c.id, c.name]));
}

export async function getBroadcast(
  s: Services,
  actor: OpsActor | null,
  id: string,
): Promise<Broadcast> {
  requireOpsActor(actor, { write: false });
  if (!isId(id)) throw new NotFoundError();
  const row = await s.db.selectFrom("broadcasts").selectAll().where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError();
  return toBroadcast(row, await courseNames(s.db, [row]));
}

/** The latest broadcasts, newest first. */
export async function listBroadcasts(
  s: Services,
  actor: OpsActor | null,
  limit = 50,
): Promise<Broadcast[]> {
  requireOpsActor(actor, { write: false });
  const rows = await s.db.selectFrom("broadcasts").selectAll()
    .orderBy("created_at", "desc").limit(limit).execute();
  const names = await courseNames(s.db, rows);
  return rows.map((r) => toBroadcast(r, names));
}

/** Drops a draft (ADMIN), recorded in the audit log; a confirmed broadcast stays. */
export async function discardBroadcast(s: Services, actor: OpsActor | null, id: string) {
  requireOpsActor(actor, { write: true });
  if (!isId(id)) throw new NotFoundError();
  await s.db.transaction().execute(async (trx) => {
    const gone = await trx.deleteFrom("broadcasts").where("id", "=", id)
      .where("status", "=", "draft")
      .returning(["segment", "title_ru", "title_en"]).executeTakeFirst();
    if (gone) {
      await recordAudit(trx, actor, "broadcast.discard", null, {
        broadcastId: id,
        segment: gone.segment,
        title: (gone.title_ru ?? gone.title_en)!,
      });
    }
  });
}

/**
 * Confirms a draft (ADMIN): fixes its recipients (as of now) and their
 * count, and queues the job. Confirming twice queues it once.
 */
export async function confirmBroadcast(
  s: Services,
  actor: OpsActor | null,
  id: string,
  now = new Date(),
): Promise<Broadcast> {
  requireOpsActor(actor, { write: true });
  const b = await getBroadcast(s, actor, id);
  if (b.status !== "draft") return b;
  // The job commits with the status change (PostgreSQL jobs) or right after it (KV).
  const confirmed = await changeWithJobs(s, async (trx, enqueue) => {
    const total = Number(
      (await recipientsQuery(trx, b.segment, now)
        .select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n,
    );
    const row = await trx.updateTable("broadcasts")
      .set({ status: "sending", confirmed_at: now, progress_at: now, total })
      .where("id", "=", id).where("status", "=", "draft")
      .returningAll().executeTakeFirst();
    if (row) {
      await recordAudit(trx, actor, "broadcast.send", null, {
        broadcastId: id,
        segment: b.segment,
        total,
        title: (b.texts.ru ?? b.texts.en)!.title,
      });
      await enqueue("broadcast", { broadcastId: id });
    }
    return row;
  });
  if (!confirmed) return await getBroadcast(s, actor, id);
  return { ...b, ...toBroadcast(confirmed), courseName: b.courseName };
}

/**
 * Sends a confirmed broadcast from where it stopped (the job's handler).
 * Returns the numbers when done, or early when `signal` aborts. Safe to run
 * again after a crash and twice at once: see the module comment.
 */
export async function runBroadcast(
  s: Services,
  id: string,
  opts: {
    signal?: AbortSignal;
    progress?: (pct: number) => Promise<void>;
    /** Recipients per batch (tests make it small). */
    batch?: number;
  } = {},
): Promise<{ sent: number; total: number }> {
  for (;;) {
    const row = await s.db.selectFrom("broadcasts").selectAll().where("id", "=", id)
      .executeTakeFirst();
    if (!row || row.status !== "sending" || !row.confirmed_at) {
      return { sent: row?.sent ?? 0, total: row?.total ?? 0 };
    }
    opts.signal?.throwIfAborted();
    const b = toBroadcast(row);
    const batch = await recipientsQuery(s.db, b.segment, row.confirmed_at)
      .select(["users.id", "users.locale"])
      .where("users.id", ">", row.cursor)
      .orderBy("users.id").limit(opts.batch ?? BATCH).execute();
    if (!batch.length) {
      await s.db.updateTable("broadcasts")
        .set({ status: "done", finished_at: new Date(), progress_at: new Date() })
        .where("id", "=", id).where("status", "=", "sending").execute();
      log.info("broadcast sent", { broadcastId: id, sent: row.sent, total: row.total });
      return { sent: row.sent, total: row.total };
    }
    const stored = await s.db.transaction().execute(async (trx) => {
      // The cursor moves first, from where this run read it: the row lock makes
      // an overlapping run wait here, then find the cursor moved and go round again.
      const moved = await trx.updateTable("broadcasts")
        .set((eb) => ({
          cursor: batch[batch.length - 1].id,
          sent: eb("sent", "+", batch.length),
          progress_at: new Date(),
        }))
        .where("id", "=", id).where("cursor", "=", row.cursor).where("status", "=", "sending")
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) === 0) return null;
      const ids: string[] = [];
      for (const u of batch) {
        const fresh = await trx.insertInto("broadcast_recipients")
          .values({ broadcast_id: id, user_id: u.id })
          .onConflict((oc) => oc.doNothing())
          .returning("user_id").executeTakeFirst();
        if (!fresh) continue; // reached before: no second copy
        const text = textsFor(b.texts, u.locale as Locale);
        const nid = await storeNotification(s, trx, u.id, {
          kind: BROADCAST_KIND,
          titleKey: "broadcast.title",
          bodyKey: "broadcast.body",
          vars: { title: text.title, body: text.body },
          url: b.url,
        });
        if (nid) ids.push(nid);
        crashPoint("broadcast:in-batch");
      }
      return ids;
    });
    if (stored === null) continue;
    crashPoint("broadcast:committed");
    if (stored.length) await enqueuePendingDeliveries(s, { ids: stored });
    if (row.total > 0) {
      await opts.progress?.(Math.min(100, Math.round((row.sent + batch.length) / row.total * 100)));
    }
  }
}

/**
 * The `broadcast` job's sweeper: enqueues every broadcast still sending
 * whose progress stopped `STALL_MS` ago. The dedupe key changes every
 * `STALL_MS`, so a job that gave up does not block the next try; a second
 * run next to a live one is harmless (each batch is claimed once).
 */
export async function sweepBroadcasts(s: Services, now = Date.now()): Promise<number> {
  const stalled = await s.db.selectFrom("broadcasts").select("id")
    .where("status", "=", "sending")
    .where("progress_at", "<", new Date(now - STALL_MS))
    .orderBy("progress_at").limit(100).execute();
  const round = Math.floor(now / STALL_MS);
  for (const b of stalled) {
    log.warn("broadcast stalled: sending again", { broadcastId: b.id });
    await s.jobs.enqueue("broadcast", { broadcastId: b.id }, {
      dedupeKey: `broadcast:${b.id}:${round}`,
    });
  }
  return stalled.length;
}
