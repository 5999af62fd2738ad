/**
 * The app as a subprocess on a fresh PostgreSQL database, for benchmarks that
 * need to prepare rows directly (users, sessions minted with the app's
 * SESSION_SECRET). Demo content is seeded on the app's first start.
 */
import postgres from "postgres";
import type { Kysely } from "kysely";
import { freePort, type Proc, spawnDeno, type SpawnOptions } from "./lib.ts";
import { json, openDatabase } from "@/db/connection.ts";
import { newId } from "@/platform/ids.ts";
import { hashPassword } from "@/core/auth/password.ts";
import { createSessionToken } from "@/core/auth/session.ts";
import { csrfTokenForUser } from "@/http/csrf.ts";
import { SESSION_COOKIE } from "@/http/session.ts";
import type { Services } from "@/core/services.ts";
import type { Database, StepType } from "@/db/schema.ts";

const root = new URL("..", import.meta.url).pathname;

/** The password of users made by `createUsers`. */
export const BENCH_PASSWORD = "Bench-Password-1";

export interface AppEnv {
  /** Origin of the app under test. */
  url: string;
  /** The app's process id (for its CPU time). */
  pid: number;
  databaseUrl: string;
  db: Kysely<Database>;
  secret: string;
  /** A signed-in learner: cookie header value and CSRF token. */
  sessionFor(userId: string): Promise<{ cookie: string; csrf: string }>;
  createUsers(prefix: string, n: number): Promise<string[]>;
  /** A second app process on `databaseUrl` (e.g. through a proxy), same secret and data. */
  spawnInstance(databaseUrl: string): Promise<Proc>;
}

/** Runs `fn` against the app on a fresh PostgreSQL database on `serverUrl`'s server. */
export async function withPostgresApp<T>(
  serverUrl: string,
  fn: (env: AppEnv) => Promise<T>,
  extraEnv: Record<string, string> = {},
  spawn: SpawnOptions = {},
): Promise<T> {
  const name = `gafus_bench_${Date.now()}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const databaseUrl = u.href;
  const dataDir = await Deno.makeTempDir({ prefix: "gafus-bench-" });
  const secret = crypto.randomUUID() + crypto.randomUUID();
  const start = (dbUrl: string, opts: SpawnOptions) => {
    const port = freePort();
    return spawnDeno(
      `${root}main.ts`,
      ["serve"],
      {
        ...Deno.env.toObject(),
        PORT: String(port),
        HOST: "127.0.0.1",
        DATA_DIR: dataDir,
        DATABASE_URL: dbUrl,
        GAFUS_ENV: "development",
        SESSION_SECRET: secret,
        LOG_REQUESTS: "false",
        LOG_LEVEL: "warn",
        AUTO_SEED: "true",
        ...extraEnv,
      },
      `http://127.0.0.1:${port}/health`,
      opts,
    );
  };
  const app = await start(databaseUrl, spawn);
  const handle = await openDatabase({ databaseUrl, dataDir: "", databasePoolMax: 4 });
  const fakeServices = { config: { secrets: { session: secret } } } as unknown as Services;
  let hash: string | undefined;
  const env: AppEnv = {
    url: app.url,
    pid: app.pid,
    databaseUrl,
    db: handle.db,
    secret,
    spawnInstance: (dbUrl) => start(dbUrl, {}),
    async sessionFor(userId) {
      const token = await createSessionToken(fakeServices, { id: userId, sessionVersion: 1 });
      return {
        cookie: `${SESSION_COOKIE}=${token}`,
        csrf: csrfTokenForUser(secret, { id: userId, sessionVersion: 1 }),
      };
    },
    async createUsers(prefix, n) {
      hash ??= await hashPassword(BENCH_PASSWORD);
      const ids = Array.from({ length: n }, () => newId());
      await handle.db.insertInto("users").values(ids.map((id, i) => ({
        id,
        username: `${prefix}${i}`,
        password_hash: hash!,
      }))).execute();
      await handle.db.insertInto("user_profiles").values(ids.map((id) => ({ user_id: id })))
        .execute();
      return ids;
    },
  };
  try {
    // The app seeds the demo courses on its first start; wait until they are there.
    for (let i = 0; i < 100; i++) {
      const r = await handle.db.selectFrom("courses").select("id").where("slug", "=", "eto-baza")
        .executeTakeFirst();
      if (r) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return await fn(env);
  } finally {
    await app.stop();
    await handle.close();
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
}

/** A seeded course's days: each day on the course and its steps on the day, in order. */
export interface PracticeCourse {
  courseId: string;
  days: { dayOnCourseId: string; stepOnDayIds: string[] }[];
}

/** A published course of practice days by a new trainer: what the learner benches complete. */
export async function seedPracticeCourse(
  env: AppEnv,
  o: { slug: string; name: string; authorPrefix: string; days: number; stepsPerDay: number },
): Promise<PracticeCourse> {
  const [authorId] = await env.createUsers(o.authorPrefix, 1);
  await env.db.updateTable("users").set({ role: "TRAINER" }).where("id", "=", authorId).execute();
  const courseId = newId();
  await env.db.insertInto("courses").values({
    id: courseId,
    slug: o.slug,
    name: o.name,
    published_at: new Date(),
    author_id: authorId,
  }).execute();
  const days: PracticeCourse["days"] = [];
  for (let d = 0; d < o.days; d++) {
    const dayId = newId();
    await env.db.insertInto("training_days").values({
      id: dayId,
      title: `День ${d + 1}`,
      author_id: authorId,
    }).execute();
    const steps = Array.from({ length: o.stepsPerDay }, (_, i) => ({
      id: newId(),
      title: `Упражнение ${d + 1}.${i + 1}`,
      type: "PRACTICE" as StepType,
      author_id: authorId,
      images: json([]),
    }));
    await env.db.insertInto("steps").values(steps).execute();
    const stepOnDayIds = steps.map(() => newId());
    await env.db.insertInto("step_on_day").values(
      steps.map((st, i) => ({ id: stepOnDayIds[i], day_id: dayId, step_id: st.id, position: i })),
    ).execute();
    const dayOnCourseId = newId();
    await env.db.insertInto("day_on_course").values({
      id: dayOnCourseId,
      course_id: courseId,
      day_id: dayId,
      position: d,
    }).execute();
    days.push({ dayOnCourseId, stepOnDayIds });
  }
  return { courseId, days };
}
