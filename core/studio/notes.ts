/**
 * A trainer's notes about their learners: a note has a title, tags and the
 * learners it is about, and holds dated entries; each entry may be marked
 * visible to those learners, who then read it on their profile.
 *
 * A note belongs to its author. A TRAINER sees and changes only their own
 * notes (anyone else's is `NotFoundError`, 404, like an unknown id), and may
 * write only about *their* learners: users with progress on, or access to,
 * one of the trainer's courses (anyone else is refused with a field message,
 * 422). MODERATOR and ADMIN see and change every note and may write about
 * any user. A learner never gets into the studio (403) and reads, through
 * `visibleNotesFor`, only the entries marked visible on notes about them.
 */
import { z } from "zod";
import { type Kysely, sql } from "kysely";
import type { Services } from "../services.ts";
import type { Viewer } from "../courses/access.ts";
import {
  ForbiddenError,
  isStaff,
  NotFoundError,
  STUDIO_ROLES,
  UnauthenticatedError,
} from "../auth/guards.ts";
import { AppError } from "../app_error.ts";
import { enqueuePendingDeliveries, NOTIFICATIONS, storeNotification } from "../notifications.ts";
import { log } from "@/platform/log.ts";
import { isId, newId } from "@/platform/ids.ts";
import { json } from "@/db/connection.ts";
import type { Database } from "@/db/schema.ts";

export const TITLE_MAX = 200;
export const BODY_MAX = 5000;
export const TAG_MAX = 40;
export const MAX_TAGS = 20;
export const MAX_LEARNERS = 50;

function studioActor(actor: Viewer | null): Viewer {
  if (!actor) throw new UnauthenticatedError();
  if (!STUDIO_ROLES.includes(actor.role)) throw new ForbiddenError();
  return actor;
}

// ------------------------------------------------------------- validation

/** Several values in one field: a list, or text split on commas and line breaks. */
function listOf(v: unknown): unknown {
  if (typeof v !== "string") return v;
  return v.split(/[,\n\r]+/).map((x) => x.trim()).filter(Boolean);
}

/** A checkbox ("on") or a boolean. */
const flag = z.preprocess(
  (v) => v === true || v === "on" || v === "1" || v === "true",
  z.boolean(),
);

const tagsSchema = z.preprocess(
  listOf,
  z.array(z.string().trim().min(1).max(TAG_MAX, { error: "studio.notes.validation.tag" }))
    .max(MAX_TAGS, { error: "studio.notes.validation.tags" }),
).transform((tags) => [...new Set(tags.map((t) => t.toLowerCase()))]);

const learnersSchema = z.preprocess(
  listOf,
  z.array(z.string().trim().min(1).max(100))
    .min(1, { error: "studio.notes.validation.learners" })
    .max(MAX_LEARNERS, { error: "studio.notes.validation.learnersMax" }),
).transform((names) => [...new Set(names.map((n) => n.replace(/^@/, "")))]);

const entrySchema = z.object({
  body: z.string().trim().min(1).max(BODY_MAX),
  visible: flag.default(false),
});

const noteSchema = z.object({
  title: z.string().trim().min(1).max(TITLE_MAX),
  tags: tagsSchema.default([]),
  learners: learnersSchema,
});

/** A new note may carry its first entry. */
const newNoteSchema = noteSchema.extend({
  body: z.string().trim().max(BODY_MAX).default(""),
  visible: flag.default(false),
});

// ---------------------------------------------------------------- reading

export interface NoteLearner {
  id: string;
  username: string;
}

export interface NoteEntry {
  id: string;
  body: string;
  visible: boolean;
  createdAt: Date;
}

export interface NoteSummary {
  id: string;
  title: string;
  tags: string[];
  authorId: string;
  learners: NoteLearner[];
  entries: number;
  updatedAt: Date;
}

export interface NoteDetail extends NoteSummary {
  author: string;
  /** Newest first. */
  entryList: NoteEntry[];
}

async function learnersOf(
  db: Kysely<Database>,
  noteIds: string[],
): Promise<Map<string, NoteLearner[]>> {
  const out = new Map<string, NoteLearner[]>();
  if (!noteIds.length) return out;
  const rows = await db.selectFrom("learner_note_users as nu")
    .innerJoin("users as u", "u.id", "nu.user_id")
    .select(["nu.note_id", "u.id", "u.username"])
    .where("nu.note_id", "in", noteIds)
    .orderBy("u.username").execute();
  for (const r of rows) {
    const list = out.get(r.note_id) ?? [];
    list.push({ id: r.id, username: r.username });
    out.set(r.note_id, list);
  }
  return out;
}

const listFilters = z.object({
  q: z.string().trim().max(100).catch("").default(""),
  tag: z.string().trim().max(TAG_MAX).catch("").default(""),
});

export type NoteFilters = z.output<typeof listFilters>;

export function parseNoteFilters(input: URLSearchParams | Record<string, unknown>): NoteFilters {
  return listFilters.parse(input instanceof URLSearchParams ? Object.fromEntries(input) : input);
}

/**
 * The notes `actor` may read (their own; all for staff), the latest changed
 * first; `q` matches the title or a learner's username, `tag` one tag.
 */
export async function listNotes(
  s: Services,
  viewer: Viewer | null,
  filters: NoteFilters = { q: "", tag: "" },
): Promise<NoteSummary[]> {
  const actor = studioActor(viewer);
  let q = s.db.selectFrom("learner_notes as n")
    .select([
      "n.id",
      "n.title",
      "n.tags",
      "n.author_id",
      "n.updated_at",
      (eb) =>
        eb.selectFrom("learner_note_entries as e").whereRef("e.note_id", "=", "n.id")
          .select((e) => e.fn.countAll<number>().as("c")).as("entries"),
    ]);
  if (!isStaff(actor)) q = q.where("n.author_id", "=", actor.id);
  if (filters.q) {
    const like = `%${filters.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn("lower", ["n.title"]), "like", like),
        eb.exists(
          eb.selectFrom("learner_note_users as nu").innerJoin("users as u", "u.id", "nu.user_id")
            .select("nu.note_id").whereRef("nu.note_id", "=", "n.id")
            .where(sql<string>`lower(u.username)`, "like", like),
        ),
      ])
    );
  }
  const rows = await q.orderBy("n.updated_at", "desc").orderBy("n.id").limit(500).execute();
  const tag = filters.tag.toLowerCase();
  const kept = tag ? rows.filter((r) => r.tags.includes(tag)) : rows;
  const learners = await learnersOf(s.db, kept.map((r) => r.id));
  return kept.map((r) => ({
    id: r.id,
    title: r.title,
    tags: r.tags,
    authorId: r.author_id,
    learners: learners.get(r.id) ?? [],
    entries: Number(r.entries ?? 0),
    updatedAt: r.updated_at,
  }));
}

/** One note with its entries, for its author or staff (else 404). */
export async function noteDetail(
  s: Services,
  viewer: Viewer | null,
  noteId: string,
): Promise<NoteDetail> {
  const actor = studioActor(viewer);
  const n = await ownNote(s.db, actor, noteId);
  const [learners, entries, author] = await Promise.all([
    learnersOf(s.db, [n.id]),
    s.db.selectFrom("learner_note_entries")
      .select(["id", "body", "visible", "created_at"])
      .where("note_id", "=", n.id)
      .orderBy("created_at", "desc").orderBy("id", "desc").execute(),
    s.db.selectFrom("users").select("username").where("id", "=", n.author_id)
      .executeTakeFirst(),
  ]);
  return {
    id: n.id,
    title: n.title,
    tags: n.tags,
    authorId: n.author_id,
    author: author?.username ?? "",
    learners: learners.get(n.id) ?? [],
    entries: entries.length,
    updatedAt: n.updated_at,
    entryList: entries.map((e) => ({
      id: e.id,
      body: e.body,
      visible: e.visible,
      createdAt: e.created_at,
    })),
  };
}

async function ownNote(db: Kysely<Database>, actor: Viewer, noteId: string) {
  if (!isId(noteId)) throw new NotFoundError("note not found");
  const n = await db.selectFrom("learner_notes")
    .select(["id", "title", "tags", "author_id", "updated_at"])
    .where("id", "=", noteId).executeTakeFirst();
  if (!n || (!isStaff(actor) && n.author_id !== actor.id)) {
    throw new NotFoundError("note not found");
  }
  return n;
}

// ------------------------------------------------------------ the learners

/**
 * The users named in `usernames`, each checked to be one of `authorId`'s
 * learners (progress on or access to one of their courses); staff may name
 * anyone. Unknown names and other trainers' learners are refused alike.
 */
async function resolveLearners(
  db: Kysely<Database>,
  actor: Viewer,
  authorId: string,
  usernames: string[],
): Promise<string[]> {
  const lower = usernames.map((u) => u.toLowerCase());
  const rows = await db.selectFrom("users as u")
    .select(["u.id", "u.username"])
    .where((eb) => eb(eb.fn("lower", ["u.username"]), "in", lower))
    .$if(!isStaff(actor), (q) =>
      q.where((eb) =>
        eb.or([
          eb.exists(
            eb.selectFrom("user_courses as uc").innerJoin("courses as c", "c.id", "uc.course_id")
              .select("uc.user_id").whereRef("uc.user_id", "=", "u.id")
              .where("c.author_id", "=", authorId),
          ),
          eb.exists(
            eb.selectFrom("course_access as a").innerJoin("courses as c", "c.id", "a.course_id")
              .select("a.user_id").whereRef("a.user_id", "=", "u.id")
              .where("c.author_id", "=", authorId),
          ),
        ])
      ))
    .execute();
  const found = new Map(rows.map((r) => [r.username.toLowerCase(), r.id]));
  const missing = usernames.filter((u) => !found.has(u.toLowerCase()));
  if (missing.length) {
    throw new AppError(422, "not_your_learner", "studio.notes.validation.notLearner", {
      fields: {
        learners: {
          key: "studio.notes.validation.notLearner",
          vars: { names: missing.join(", ") },
        },
      },
      vars: { names: missing.join(", ") },
      message: "not the trainer's learners",
    });
  }
  return [...new Set(rows.map((r) => r.id))];
}

// ---------------------------------------------------------------- changes

/** Where a learner reads the entries shared with them (their own profile page). */
const SHARED_NOTES_URL = "/profile#trainer-notes-title";

/**
 * An entry became visible: each learner of the note gets a notification,
 * stored in the same transaction as the change (the outbox sends it after
 * the commit; see `sendShared`). Returns the notification ids.
 */
async function notifyShared(
  s: Services,
  trx: Kysely<Database>,
  noteId: string,
  authorId: string,
): Promise<string[]> {
  const note = await trx.selectFrom("learner_notes").select("title")
    .where("id", "=", noteId).executeTakeFirstOrThrow();
  const author = await trx.selectFrom("users as u")
    .leftJoin("user_profiles as p", "p.user_id", "u.id")
    .select(["u.username", "p.full_name"])
    .where("u.id", "=", authorId).executeTakeFirst();
  const learners = await trx.selectFrom("learner_note_users").select("user_id")
    .where("note_id", "=", noteId).execute();
  const ids: string[] = [];
  for (const l of learners) {
    const id = await storeNotification(s, trx, l.user_id, {
      ...NOTIFICATIONS.noteShared,
      vars: { trainer: author?.full_name?.trim() || author?.username || "", note: note.title },
      url: SHARED_NOTES_URL,
    });
    if (id) ids.push(id);
  }
  return ids;
}

/** After the commit: the shared-note notifications leave (a failure leaves them to the sweeper). */
async function sendShared(s: Services, ids: string[]) {
  if (!ids.length) return;
  try {
    await enqueuePendingDeliveries(s, { ids });
  } catch (err) {
    log.warn("studio: note notifications not enqueued", { err });
  }
}

/** A new note by the signed-in trainer, with its first entry if `body` is given. */
export async function createNote(
  s: Services,
  viewer: Viewer | null,
  input: unknown,
): Promise<string> {
  const actor = studioActor(viewer);
  const v = newNoteSchema.parse(input);
  const userIds = await resolveLearners(s.db, actor, actor.id, v.learners);
  const id = newId();
  const notified = await s.db.transaction().execute(async (trx) => {
    await trx.insertInto("learner_notes")
      .values({ id, author_id: actor.id, title: v.title, tags: json(v.tags) }).execute();
    await trx.insertInto("learner_note_users")
      .values(userIds.map((user_id) => ({ note_id: id, user_id }))).execute();
    if (v.body) {
      await trx.insertInto("learner_note_entries")
        .values({ id: newId(), note_id: id, body: v.body, visible: v.visible }).execute();
      if (v.visible) return await notifyShared(s, trx, id, actor.id);
    }
    return [];
  });
  await sendShared(s, notified);
  return id;
}

/** Changes a note's title, tags and learners (the author keeps the note). */
export async function updateNote(
  s: Services,
  viewer: Viewer | null,
  noteId: string,
  input: unknown,
): Promise<void> {
  const actor = studioActor(viewer);
  const n = await ownNote(s.db, actor, noteId);
  const v = noteSchema.parse(input);
  const userIds = await resolveLearners(s.db, actor, n.author_id, v.learners);
  await s.db.transaction().execute(async (trx) => {
    await trx.updateTable("learner_notes")
      .set({ title: v.title, tags: json(v.tags) }).where("id", "=", n.id).execute();
    await trx.deleteFrom("learner_note_users").where("note_id", "=", n.id).execute();
    await trx.insertInto("learner_note_users")
      .values(userIds.map((user_id) => ({ note_id: n.id, user_id }))).execute();
  });
}

export async function deleteNote(
  s: Services,
  viewer: Viewer | null,
  noteId: string,
): Promise<void> {
  const actor = studioActor(viewer);
  const n = await ownNote(s.db, actor, noteId);
  await s.db.deleteFrom("learner_notes").where("id", "=", n.id).execute();
}

async function touch(db: Kysely<Database>, noteId: string) {
  await db.updateTable("learner_notes").set({ updated_at: new Date() })
    .where("id", "=", noteId).execute();
}

/** Adds an entry to a note; returns its id. */
export async function addEntry(
  s: Services,
  viewer: Viewer | null,
  noteId: string,
  input: unknown,
): Promise<string> {
  const actor = studioActor(viewer);
  const n = await ownNote(s.db, actor, noteId);
  const v = entrySchema.parse(input);
  const id = newId();
  const notified = await s.db.transaction().execute(async (trx) => {
    await trx.insertInto("learner_note_entries")
      .values({ id, note_id: n.id, body: v.body, visible: v.visible }).execute();
    await touch(trx, n.id);
    return v.visible ? await notifyShared(s, trx, n.id, n.author_id) : [];
  });
  await sendShared(s, notified);
  return id;
}

const entryIdSchema = z.object({
  entryId: z.string().refine(isId),
});

async function ownEntry(s: Services, actor: Viewer, noteId: string, input: unknown) {
  const n = await ownNote(s.db, actor, noteId);
  const parsed = entryIdSchema.safeParse(input);
  if (!parsed.success) throw new NotFoundError("entry not found");
  const e = await s.db.selectFrom("learner_note_entries").select("id")
    .where("id", "=", parsed.data.entryId).where("note_id", "=", n.id).executeTakeFirst();
  if (!e) throw new NotFoundError("entry not found");
  return { note: n, entryId: e.id };
}

/** Shows an entry to the note's learners, or hides it again. */
export async function setEntryVisible(
  s: Services,
  viewer: Viewer | null,
  noteId: string,
  input: unknown,
): Promise<boolean> {
  const actor = studioActor(viewer);
  const { note, entryId } = await ownEntry(s, actor, noteId, input);
  const { visible } = z.object({ visible: flag }).parse(input);
  const notified = await s.db.transaction().execute(async (trx) => {
    // Only a change from hidden to visible tells the learners (hiding and showing again too).
    const changed = await trx.updateTable("learner_note_entries").set({ visible })
      .where("id", "=", entryId).where("visible", "=", !visible)
      .returning("id").executeTakeFirst();
    await touch(trx, note.id);
    return changed && visible ? await notifyShared(s, trx, note.id, note.author_id) : [];
  });
  await sendShared(s, notified);
  return visible;
}

export async function deleteEntry(
  s: Services,
  viewer: Viewer | null,
  noteId: string,
  input: unknown,
): Promise<void> {
  const actor = studioActor(viewer);
  const { entryId } = await ownEntry(s, actor, noteId, input);
  await s.db.deleteFrom("learner_note_entries").where("id", "=", entryId).execute();
}

// ------------------------------------------------------- the learner's side

export interface VisibleNoteEntry {
  id: string;
  title: string;
  body: string;
  /** The trainer's full name if they gave one, else their username. */
  trainer: string;
  createdAt: Date;
}

/** Entries marked visible on notes about `userId`, newest first. */
export async function visibleNotesFor(
  s: Services,
  userId: string,
  limit = 50,
): Promise<VisibleNoteEntry[]> {
  const rows = await s.db.selectFrom("learner_note_entries as e")
    .innerJoin("learner_notes as n", "n.id", "e.note_id")
    .innerJoin("learner_note_users as nu", "nu.note_id", "n.id")
    .innerJoin("users as a", "a.id", "n.author_id")
    .leftJoin("user_profiles as p", "p.user_id", "a.id")
    .select(["e.id", "n.title", "e.body", "e.created_at", "a.username", "p.full_name"])
    .where("nu.user_id", "=", userId)
    .where("e.visible", "=", true)
    .orderBy("e.created_at", "desc").orderBy("e.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    body: r.body,
    trainer: r.full_name?.trim() || r.username,
    createdAt: r.created_at,
  }));
}
