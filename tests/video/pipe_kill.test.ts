/**
 * kill -9 of the process running a transcode: a child process runs the app's
 * job runtime with the real `video-transcode` job and is killed once the
 * video's progress is above 0 (ffmpeg half-way, partial files on disk).
 * After a restart KV delivers the job again; the transcoder removes what the
 * killed run left and starts over, the video is published exactly once, and
 * storage holds only the final set of files (nothing in the temp dir
 * either). Both storages: the local directory and S3 (s3rver).
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { databaseUrlOf, openTestDb, testDatabaseUrl } from "../helpers/db.ts";
import { startS3, type TestS3 } from "../storage/s3_server.ts";
import { loadConfig } from "@/platform/config.ts";
import { configureLog } from "@/platform/log.ts";
import { openDatabase } from "@/db/connection.ts";
import { openServices } from "@/services.ts";
import type { JobInfo } from "@/queues/types.ts";
import { transcodeWorkDir } from "@/core/video/transcode.ts";
import { videoPosterKey, videoSourceKey, videoThumbnailKey } from "@/core/video/layout.ts";
import { addVideo, makeClip, makeOwner, readText } from "./pipe_helpers.ts";

const CHILD = new URL("./pipe_kill_child.ts", import.meta.url).pathname;

interface Child {
  proc: Deno.ChildProcess;
  waitFor(re: RegExp, ms?: number): Promise<RegExpExecArray>;
  output(): string;
}

function spawnChild(env: Record<string, string>): Child {
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-kv", "--unstable-cron", CHILD],
    env: { ...Deno.env.toObject(), ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "";
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
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
        if (!line.startsWith("@@ ")) continue;
        lines.push(line.slice(3));
        for (const w of [...waiters]) {
          const m = w.re.exec(line.slice(3));
          if (m) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(m);
          }
        }
      }
    }
  })();
  (async () => {
    for await (const chunk of proc.stderr) out += new TextDecoder().decode(chunk);
  })();
  return {
    proc,
    output: () => out,
    waitFor(re, ms = 120_000) {
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

/**
 * A database the child can open too: PGlite on disk, or an empty database of
 * the test helper's on the server (dropped when the test ends).
 */
async function childDatabase() {
  const server = testDatabaseUrl() ? await openTestDb({ migrate: false }) : null;
  return {
    url: server ? await databaseUrlOf(server) : "",
    async [Symbol.asyncDispose]() {
      await server?.[Symbol.asyncDispose]();
    },
  };
}

for (const storage of ["local", "s3"] as const) {
  Deno.test({
    name:
      `kill -9 mid-transcode (${storage}): after restart the job reruns, publishes once, leaves no stray files`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      configureLog({ level: "error" });
      const dir = await Deno.makeTempDir({ prefix: "gafus-pipe-kill-" });
      let s3: TestS3 | null = null;
      await using database = await childDatabase();
      try {
        s3 = storage === "s3" ? await startS3() : null;
        const env = {
          CHILD_DATA_DIR: dir,
          CHILD_DATABASE_URL: database.url,
          CHILD_KV_PATH: `${dir}/kv.sqlite3`,
          ...s3?.env,
        };
        const config = await loadConfig({
          GAFUS_ENV: "test",
          DATA_DIR: dir,
          DATABASE_URL: env.CHILD_DATABASE_URL,
          LOG_REQUESTS: "false",
          ...s3?.env,
        });
        // The video and its source, then the database is the child's (PGlite serves one process).
        let handle = await openDatabase(config);
        let s = await openServices(config, { handle, memory: true });
        await makeClip(`${dir}/clip.mp4`, { width: 1280, height: 720, seconds: 10 });
        const videoId = await addVideo(s, await makeOwner(s), `${dir}/clip.mp4`);
        await s.close();
        await handle.close();

        const first = spawnChild({ ...env, PHASE: "first", VIDEO_ID: videoId });
        const [, jobId] = await first.waitFor(/^job (\S+)$/);
        const [, pct] = await first.waitFor(/^progress (\d+)$/, 180_000);
        first.proc.kill("SIGKILL");
        const killedAt = Date.now();
        assertEquals((await first.proc.status).signal, "SIGKILL");
        assert(Number(pct) > 0 && Number(pct) < 100, pct);
        // The killed run left work behind (the temp dir with ffmpeg's partial output).
        const work = transcodeWorkDir(
          { config } as Parameters<typeof transcodeWorkDir>[0],
          videoId,
        );
        assert(await exists(work), "partial files in the temp dir before the restart");
        // ffmpeg died with its parent (it ignores SIGPIPE; setpriv --pdeathsig kills it).
        let orphans: number[] = [];
        for (let i = 0; i < 30; i++) {
          orphans = await processesNaming(work);
          if (!orphans.length) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        assertEquals(orphans, [], "no ffmpeg outlives the killed process");

        // Past the KV message deadline, so the restart's cleanup requeues it (see tests/queues/crash.test.ts).
        await new Promise((r) => setTimeout(r, Math.max(0, killedAt + 5_500 - Date.now())));
        const second = spawnChild({ ...env, PHASE: "second", VIDEO_ID: videoId, JOB_ID: jobId });
        const [, json] = await second.waitFor(/^result (.*)$/, 300_000);
        assert((await second.proc.status).success, second.output().slice(-3000));
        const result = JSON.parse(json) as {
          first: JobInfo;
          published: { status: string; progress: number; transcoded_at: string };
          dup: JobInfo;
          after: { status: string; transcoded_at: string };
        };
        assertEquals(result.first.state, "done");
        assertEquals(result.first.attempts, 2, "the killed attempt and the rerun");
        assertEquals([result.published.status, result.published.progress], ["READY", 100]);
        // A further delivery is a no-op: published once.
        assertEquals(result.dup.state, "done");
        assertEquals(result.after.transcoded_at, result.published.transcoded_at);

        handle = await openDatabase(config);
        s = await openServices(config, { handle, memory: true, migrate: false });
        try {
          const v = await s.db.selectFrom("videos").selectAll().where("id", "=", videoId)
            .executeTakeFirstOrThrow();
          assertEquals(v.renditions.map((r) => r.name), ["240p", "360p", "480p", "720p"]);
          // Storage holds exactly what the published playlists name, plus source, poster, thumb.
          const prefix = v.hls_prefix!;
          const expected = new Set([
            videoSourceKey(videoId, "mp4"),
            videoPosterKey(videoId),
            videoThumbnailKey(videoId),
            `${prefix}master.m3u8`,
          ]);
          for (const r of v.renditions) {
            expected.add(prefix + r.playlist);
            const folder = prefix + r.playlist.slice(0, r.playlist.lastIndexOf("/") + 1);
            for (const line of (await readText(s, prefix + r.playlist)).split("\n")) {
              if (line && !line.startsWith("#")) expected.add(folder + line.trim());
            }
          }
          const stored = (await s.storage.list(`videos/${videoId}/`)).map((o) => o.key);
          assertEquals(stored, [...expected].sort());
          // Nothing left in the temp dir.
          assert(!await exists(work), "temp dir removed");
          const tmp = `${dir}/tmp/transcode`;
          assertEquals(await exists(tmp) ? [...Deno.readDirSync(tmp)].length : 0, 0);
        } finally {
          await s.close();
          await handle.close();
        }
      } finally {
        await s3?.[Symbol.asyncDispose]();
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    },
  });
}

/** Pids of processes whose command line names `path`. */
async function processesNaming(path: string): Promise<number[]> {
  const pids: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const cmd = await Deno.readTextFile(`/proc/${e.name}/cmdline`);
      if (cmd.includes(path)) pids.push(Number(e.name));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
