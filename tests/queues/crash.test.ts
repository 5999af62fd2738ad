/**
 * A real process is killed with SIGKILL inside two handlers (one after its
 * effect committed, one inside the effect's transaction). After a restart KV
 * delivers both again, the runtime takes them over, and each effect exists
 * exactly once.
 *
 * Timing (denokv's SQLite backend, see reference/deno-kv-queues.md): a
 * running message's deadline is renewed every 2 s to now + 5 s, and expired
 * deadlines are requeued by a cleanup that runs when a process starts
 * listening and every 60 s after. Restarting within 5 s of the kill would
 * leave the message for the NEXT cleanup, up to 60 s later; so the test
 * waits until 5.5 s after the kill, and the restarted process gets the
 * message at its start-up cleanup plus the first crash-backoff step (1 s).
 * That is the fastest the semantics allow: about 7 s plus process starts.
 */
import { sql } from "kysely";
import { assert, assertEquals } from "../helpers/assert.ts";
import { openTestDb, testDatabaseUrl } from "../helpers/db.ts";
import { JobRuntime } from "@/queues/runtime.ts";
import type { Services } from "@/core/services.ts";
import type { JobInfo } from "@/queues/types.ts";

const CHILD = new URL("./crash_child.ts", import.meta.url).pathname;

interface Child {
  proc: Deno.ChildProcess;
  /** Resolves with the first protocol line matching `re`. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpExecArray>;
  output(): string;
}

function spawnChild(env: Record<string, string>): Child {
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-kv", CHILD],
    env: { ...Deno.env.toObject(), ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "";
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  const feed = (line: string) => {
    lines.push(line);
    for (const w of [...waiters]) {
      const m = w.re.exec(line);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  (async () => {
    const dec = new TextDecoder();
    let buf = "";
    for await (const chunk of proc.stdout) {
      const text = dec.decode(chunk, { stream: true });
      out += text;
      buf += text;
      let i: number;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.startsWith("@@ ")) feed(line.slice(3));
      }
    }
  })();
  (async () => {
    for await (const chunk of proc.stderr) out += new TextDecoder().decode(chunk);
  })();
  return {
    proc,
    output: () => out,
    waitFor(re, ms = 60_000) {
      const seen = lines.map((l) => re.exec(l)).find((m) => m);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`child: no line ${re} in ${ms} ms\n${out.slice(-3000)}`)),
          ms,
        );
        waiters.push({
          re,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
  };
}

Deno.test({
  name:
    "a process killed with SIGKILL inside handlers: after restart the jobs complete, each effect once",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "gafus-crash-" });
    // PostgreSQL: a fresh database the children connect to. PGlite: a data
    // directory the children open in turn (PGlite serves one process).
    await using pg = testDatabaseUrl() ? await openTestDb() : null;
    let childDbUrl = "";
    if (pg) {
      const { rows } = await sql<{ db: string }>`SELECT current_database() AS db`.execute(pg.db);
      const u = new URL(testDatabaseUrl()!);
      u.pathname = `/${rows[0].db}`;
      childDbUrl = u.href;
    }
    const env = {
      CHILD_KV_PATH: `${dir}/kv.sqlite3`,
      CHILD_DATA_DIR: dir,
      CHILD_DATABASE_URL: childDbUrl,
    };
    try {
      const first = spawnChild({ ...env, PHASE: "first" });
      const [, a, b] = await first.waitFor(/^enqueued (\S+) (\S+)$/);
      await first.waitFor(/^after-effect committed /);
      await first.waitFor(/^inside-effect in transaction /);
      first.proc.kill("SIGKILL");
      const killedAt = Date.now();
      const status = await first.proc.status;
      assertEquals(status.signal, "SIGKILL");

      // Between the crash and the restart the status page shows both jobs stalled.
      const kv = await Deno.openKv(env.CHILD_KV_PATH);
      const viewer = new JobRuntime({
        kv,
        definitions: [],
        services: () => ({}) as Services,
        stalledAfterMs: 1_000,
      });
      await new Promise((r) => setTimeout(r, 1_100));
      for (const id of [a, b]) {
        const info = (await viewer.get(id))!;
        assertEquals([info.state, info.stalled], ["active", true]);
      }
      assertEquals(
        (await viewer.stats()).queues.find((q) => q.queue === "push")!.stalled,
        2,
      );
      kv.close();

      // Past the message deadline (5 s after the last renewal, which came at
      // most at the kill), so the restart's cleanup requeues it at once.
      await new Promise((r) => setTimeout(r, Math.max(0, killedAt + 5_500 - Date.now())));
      const second = spawnChild({ ...env, PHASE: "second", JOB_IDS: `${a},${b}` });
      const [, json] = await second.waitFor(/^result (.*)$/, 90_000);
      const [, after] = await second.waitFor(/^redelivered after (\d+) ms$/);
      const status2 = await second.proc.status;
      assert(status2.success, second.output().slice(-3000));
      const result = JSON.parse(json) as {
        a: JobInfo;
        b: JobInfo;
        rows: { job_id: string; what: string }[];
      };
      for (const job of [result.a, result.b]) {
        assertEquals(job.state, "done");
        assertEquals(job.attempts, 2, "the killed attempt and the one after the restart");
        assertEquals(job.stalls, 1);
        assertEquals(job.errors.map((e) => e.kind), ["stalled"]);
      }
      // Each effect exists exactly once: "after" was not repeated, "inside"
      // (rolled back by the crash) was done by the second run.
      assertEquals(result.rows, [
        { job_id: a, what: "after" },
        { job_id: b, what: "inside" },
      ]);
      console.log(`redelivered ${after} ms after the restart's listener started`);
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
