/**
 * Demo data for a fresh installation: three accounts and three Russian
 * courses that use every step type. This is what a visitor sees first.
 *
 * - Runs in one transaction and leaves a marker in `app_meta`
 *   (`seed:demo`): seeding again changes nothing. Concurrent calls are safe
 *   (the marker row is inserted first; the second caller waits on it, then
 *   finds it).
 * - Seeds only an empty database: if users exist and there is no marker, it
 *   does nothing (someone is using this database for real).
 * - Passwords are random, printed once through `print` and returned; only
 *   their hashes are stored.
 */
import { type Kysely, sql } from "kysely";
import { newId } from "@/platform/ids.ts";
import { hashPassword } from "../auth/password.ts";
import { json } from "@/db/connection.ts";
import type { Database, NewStep, NewStepTemplate, Role } from "@/db/schema.ts";
import { CATEGORIES, COURSES, DAYS, type StepDef, STEPS, TEMPLATES } from "./content.ts";

export const SEED_MARKER = "seed:demo";
const SEED_VERSION = 1;

export interface SeedUser {
  username: string;
  password: string;
  role: Role;
}

export interface SeedResult {
  created: boolean;
  users?: SeedUser[];
}

// Letters and digits without look-alikes (0/O, 1/l/I).
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** 4 groups of 5 (~114 bits), always with upper case, lower case and a digit. */
export function generatePassword(): string {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(40));
    let out = "";
    for (const b of bytes) {
      if (b >= 228) continue; // 228 = 4·57: keeps the choice uniform
      out += ALPHABET[b % ALPHABET.length];
      if (out.length === 20) break;
    }
    if (out.length < 20) continue;
    if (!/[A-Z]/.test(out) || !/[a-z]/.test(out) || !/[0-9]/.test(out)) continue;
    return out.match(/.{5}/g)!.join("-");
  }
}

// ------------------------------------------------------------------- seed

/** Seeds the demo data once. See the module comment. */
export async function seedDemo(
  db: Kysely<Database>,
  opts: { print?: (line: string) => void } = {},
): Promise<SeedResult> {
  const print = opts.print ?? ((line: string) => console.log(line));

  // Cheap checks outside the transaction first: no hashing work when there is nothing to do.
  const marker = await db.selectFrom("app_meta").select("key").where("key", "=", SEED_MARKER)
    .executeTakeFirst();
  if (marker) return { created: false };

  const accounts: { username: string; role: Role; email: string; fullName: string }[] = [
    { username: "admin", role: "ADMIN", email: "admin@example.org", fullName: "Администратор" },
    {
      username: "trainer",
      role: "TRAINER",
      email: "trainer@example.org",
      fullName: "Анна Соколова",
    },
    { username: "learner", role: "USER", email: "learner@example.org", fullName: "Илья Петров" },
  ];
  const users = accounts.map((a) => ({ ...a, id: newId(), password: generatePassword() }));
  const hashes = await Promise.all(users.map((u) => hashPassword(u.password)));

  const created = await db.transaction().execute(async (trx) => {
    // The marker goes in first: a concurrent seeder blocks on this row until
    // we commit, then inserts nothing and leaves.
    const claimed = await trx.insertInto("app_meta")
      .values({
        key: SEED_MARKER,
        value: json({ version: SEED_VERSION, seededAt: new Date().toISOString() }),
      })
      .onConflict((oc) => oc.column("key").doNothing())
      .returning("key")
      .executeTakeFirst();
    if (!claimed) return false;

    const { count } = await trx.selectFrom("users").select(sql<number>`count(*)`.as("count"))
      .executeTakeFirstOrThrow();
    if (count > 0) {
      // A database in real use: leave the marker out of it too.
      await trx.deleteFrom("app_meta").where("key", "=", SEED_MARKER).execute();
      return false;
    }

    await insertAll(trx, users, hashes);
    return true;
  });

  if (!created) return { created: false };

  const result = users.map((u) => ({ username: u.username, password: u.password, role: u.role }));
  print("Demo accounts (passwords are shown once and not stored):");
  for (const u of result) print(`  ${u.username.padEnd(8)} ${u.password}  (${u.role})`);
  return { created: true, users: result };
}

async function insertAll(
  trx: Kysely<Database>,
  users: { id: string; username: string; role: Role; email: string; fullName: string }[],
  hashes: string[],
) {
  const [admin, trainer, learner] = users;
  const now = new Date();

  await trx.insertInto("users").values(users.map((u, i) => ({
    id: u.id,
    username: u.username,
    email: u.email,
    password_hash: hashes[i],
    role: u.role,
  }))).execute();

  await trx.insertInto("user_profiles").values([
    { user_id: admin.id, full_name: admin.fullName, is_public: false },
    {
      user_id: trainer.id,
      full_name: trainer.fullName,
      about:
        "Кинолог, 9 лет работаю с собаками. Специализация — щенки и собаки с реактивностью на улице. Занимаюсь только на положительном подкреплении.",
      telegram: "gafus_trainer",
      website: "https://example.org",
      is_public: true,
    },
    {
      user_id: learner.id,
      full_name: learner.fullName,
      about: "Учимся вместе с Громом гулять спокойно.",
      is_public: true,
    },
  ]).execute();

  await trx.insertInto("pets").values({
    id: newId(),
    owner_id: learner.id,
    name: "Гром",
    type: "DOG",
    breed: "Бигль",
    birth_date: "2025-03-14",
    height_cm: 38,
    weight_kg: 12.5,
    notes: "Любит сыр и мячики. Лает на крупных собак.",
  }).execute();

  // Steps.
  const stepIds = new Map<string, string>();
  const stepRows: NewStep[] = STEPS.map((s) => {
    const id = newId();
    stepIds.set(s.key, id);
    return { id, author_id: trainer.id, ...stepContent(s) };
  });
  await trx.insertInto("steps").values(stepRows).execute();

  // Days and their steps.
  const dayIds = new Map<string, string>();
  for (const d of DAYS) {
    const id = newId();
    dayIds.set(d.key, id);
    await trx.insertInto("training_days").values({
      id,
      title: d.title,
      description: d.description,
      equipment: d.equipment ?? "",
      type: d.type,
      share_progress_across_courses: d.shareProgress ?? false,
      show_course_path_export: d.pathExport ?? false,
      author_id: trainer.id,
    }).execute();
    await trx.insertInto("step_on_day").values(d.steps.map((key, position) => ({
      id: newId(),
      day_id: id,
      step_id: must(stepIds, key),
      position,
    }))).execute();
  }

  // Courses and their days.
  for (const c of COURSES) {
    const id = newId();
    await trx.insertInto("courses").values({
      id,
      slug: c.slug,
      name: c.name,
      short_description: c.shortDescription,
      description: c.description,
      equipment: c.equipment,
      level: c.level,
      duration: c.duration,
      access: c.access,
      show_in_profile: c.showInProfile,
      published_at: now,
      author_id: trainer.id,
    }).execute();
    await trx.insertInto("day_on_course").values(c.days.map((key, position) => ({
      id: newId(),
      course_id: id,
      day_id: must(dayIds, key),
      position,
    }))).execute();
    if (c.access === "PRIVATE") {
      await trx.insertInto("course_access").values({
        course_id: id,
        user_id: learner.id,
        granted_by: trainer.id,
      }).execute();
    }
    if (c.slug === "spokoynaya-progulka") {
      await trx.insertInto("favorites").values({ user_id: learner.id, course_id: id }).execute();
    }
  }

  // Template library.
  // Migration 0008 seeds the original's categories; a name already there is reused.
  await trx.insertInto("step_categories").values(CATEGORIES.map((c, position) => ({
    id: newId(),
    name: c.name,
    description: c.description,
    icon: c.icon,
    position,
  }))).onConflict((oc) => oc.column("name").doNothing()).execute();
  const categoryIds = new Map<string, string>();
  const categoryRows = await trx.selectFrom("step_categories").select(["id", "name"])
    .where("name", "in", CATEGORIES.map((c) => c.name)).execute();
  for (const c of CATEGORIES) {
    const row = categoryRows.find((r) => r.name === c.name);
    if (row) categoryIds.set(c.key, row.id);
  }
  const byKey = new Map(STEPS.map((s) => [s.key, s]));
  const templates: NewStepTemplate[] = TEMPLATES.map((t) => ({
    id: newId(),
    category_id: must(categoryIds, t.category),
    ...stepContent(byKey.get(t.step)!),
    tags: json(t.tags),
    is_public: true,
    author_id: admin.id,
  }));
  await trx.insertInto("step_templates").values(templates).execute();
}

function stepContent(s: StepDef) {
  return {
    title: s.title,
    type: s.type,
    description: s.description,
    duration_sec: s.durationSec ?? null,
    estimated_duration_sec: s.estimatedSec ?? null,
    video_url: s.videoUrl ?? null,
    checklist: json(s.checklist ?? []),
    requires_written_feedback: s.requiresWritten ?? false,
    requires_video_report: s.requiresVideo ?? false,
    pass_percent: s.passPercent ?? 70,
  };
}

function must(map: Map<string, string>, key: string): string {
  const v = map.get(key);
  if (!v) throw new Error(`seed: unknown key ${key}`);
  return v;
}
