/**
 * Jobs shared by two app processes on one PostgreSQL (JOBS_BACKEND=postgres):
 * each job runs once, each cron tick runs once, and a job whose instance is
 * killed (SIGKILL) mid-run is finished by the other. Each instance logs
 * "job started" (debug) for every job it takes; the tests count those lines.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { type Instance, instancesAvailable, startInstances } from "../helpers/instances.ts";
import { openDatabase } from "@/db/connection.ts";
import { createPgJobs } from "@/queues/pg/mod.ts";
import { newId } from "@/platform/ids.ts";
import type { Services } from "@/core/services.ts";

const ENV = { JOBS_BACKEND: "postgres", LOG_LEVEL: "debug" };

interface LogLine {
  msg: string;
  id?: string;
  job?: string;
  schedule?: string;
  attempt?: number;
}

function lines(i: Instance): LogLine[] {
  return i.log().split("\n").flatMap((l) => {
    if (!l.startsWith("{")) return [];
    try {
      return [JSON.parse(l) as LogLine];
    } catch {
      return [];
    }
  });
}

function starts(i: Instance, id?: string): LogLine[] {
  return lines(i).filter((l) => l.msg === "job started" && (id === undefined || l.id === id));
}

async function until(fn: () => boolean | Promise<boolean>, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The "job started" lines of `ids` across `instances`, once at least `expected`
 * have been read and a moment has passed without more: a job's record can say
 * "done" before its instance's buffered log line reaches the test (the log
 * flushes every 20 ms), and a duplicate start must still have time to show.
 */
async function settledStarts(
  instances: Instance[],
  ids: string[],
  expected: number,
): Promise<LogLine[]> {
  const read = () => instances.flatMap((i) => starts(i)).filter((l) => ids.includes(l.id!));
  await until(() => read().length >= expected, 5_000, `${expected} start lines`);
  await new Promise((r) => setTimeout(r, 500));
  return read();
}

/** A job runtime in the test process (it only enqueues and reads) on the shared database. */
async function client(url: string) {
  const h = await openDatabase({ databaseUrl: url, dataDir: "", databasePoolMax: 2 });
  const jobs = createPgJobs(h.db, url, () => ({ db: h.db }) as Services);
  return {
    jobs,
    db: h.db,
    async [Symbol.asyncDispose]() {
      await jobs.stop();
      await h.close();
    },
  };
}

Deno.test({
  name: "two instances: 60 jobs enqueued at once each run exactly once [postgres]",
  ignore: !instancesAvailable(),
  async fn() {
    await using cluster = await startInstances(2, ENV);
    await using c = await client(cluster.databaseUrl);
    const ids = await Promise.all(
      Array.from({ length: 60 }, () => c.jobs.enqueue("ready-check", {})),
    );
    await until(
      async () => {
        const done = await c.jobs.list({ state: "done", queue: "ops-alert", limit: 200 });
        return ids.every((id) => done.jobs.some((j) => j.id === id));
      },
      30_000,
      "every job done",
    );
    const started = await settledStarts(cluster.instances, ids, ids.length);
    assertEquals(started.length, ids.length, "one start per job, across both instances");
    assertEquals(new Set(started.map((l) => l.id)).size, ids.length);
    for (const id of ids) assertEquals((await c.jobs.get(id))!.attempts, 1);
  },
});

Deno.test({
  name: "two instances: a cron tick enqueues and runs its job once [postgres]",
  ignore: !instancesAvailable(),
  async fn() {
    await using cluster = await startInstances(2, ENV);
    await using c = await client(cluster.databaseUrl);
    const [a, b] = cluster.instances;
    // Deno.cron fires at the start of each minute: `ready-check` runs every minute.
    const ticks = (i: Instance) =>
      lines(i).filter((l) => l.msg === "cron tick" && l.schedule === "ready-check");
    // The instances start a moment apart, so a minute can fall between them:
    // the first minute both saw may be the second one.
    const shared = () => ticks(a).find((t) => ticks(b).some((u) => u.id === t.id))?.id;
    await until(() => shared() !== undefined, 135_000, "a minute ticked on both");
    // Both instances ticked that minute, and both got the same job back (one record).
    const id = shared()!;
    await until(async () => (await c.jobs.get(id))?.state === "done", 10_000, "the tick's job");
    assertEquals((await settledStarts([a, b], [id], 1)).length, 1, "run by one instance");
    const info = (await c.jobs.get(id))!;
    assert(/^cron:ready-check:\d+$/.test(info.dedupeKey ?? ""), info.dedupeKey ?? "no key");
    assertEquals(info.attempts, 1);
  },
});

Deno.test({
  name: "two instances: killing the one running a job lets the other finish it [postgres]",
  ignore: !instancesAvailable(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using cluster = await startInstances(2, ENV);
    await using c = await client(cluster.databaseUrl);
    // A broadcast with no recipients ends by marking its row done: while the
    // test holds that row's lock, the job is stuck mid-run (a slow job without
    // a test hook in the app).
    const broadcastId = newId();
    await cluster.sql`
      INSERT INTO broadcasts (id, segment, title_ru, body_ru, status, confirmed_at)
      VALUES (${broadcastId}, ${cluster.sql.json({ kind: "course", courseId: newId() })},
              'Тест', 'Тест', 'sending', now())`;
    const locked = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    const holder = cluster.sql.begin(async (tx) => {
      await tx`SELECT 1 FROM broadcasts WHERE id = ${broadcastId} FOR UPDATE`;
      locked.resolve();
      await release.promise;
    });
    await locked.promise;
    const id = await c.jobs.enqueue("broadcast", { broadcastId });
    const runner = () => cluster.instances.find((i) => starts(i, id).length > 0);
    await until(() => runner() !== undefined, 10_000, "an instance takes the job");
    const first = runner()!;
    const other = cluster.instances.find((i) => i !== first)!;
    await first.kill("SIGKILL");
    // The other instance sees the heartbeat stop and runs it again.
    await until(() => starts(other, id).length > 0, 20_000, "the other instance takes over");
    release.resolve();
    await holder;
    await until(async () => (await c.jobs.get(id))?.state === "done", 10_000, "done");
    const info = (await c.jobs.get(id))!;
    assertEquals([info.attempts, info.stalls], [2, 1]);
    assertEquals(info.errors.map((e) => e.kind), ["stalled"]);
    const { status } = (await cluster.sql`
      SELECT status FROM broadcasts WHERE id = ${broadcastId}`)[0];
    assertEquals(status, "done");
  },
});
