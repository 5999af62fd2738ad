/**
 * The process pipe_kill.test.ts kills with SIGKILL: the app's services with
 * the job runtime on a KV file, the real `video-transcode` job.
 *
 * - PHASE=first: enqueues the job for VIDEO_ID, says "@@ job <id>", and
 *   "@@ progress <n>" once the video's progress is above 0 (then waits to be
 *   killed mid-transcode).
 * - PHASE=second: lets KV redeliver the killed job, waits for the video to be
 *   READY and the job done, enqueues it once more (a duplicate delivery must
 *   change nothing), and prints "@@ result <json>".
 */
import { loadConfig } from "@/platform/config.ts";
import { configureLog } from "@/platform/log.ts";
import { openDatabase } from "@/db/connection.ts";
import { openServices } from "@/services.ts";

configureLog({ level: "error" });
const env = (k: string) => Deno.env.get(k) ?? "";
const config = await loadConfig({
  GAFUS_ENV: "test",
  DATA_DIR: env("CHILD_DATA_DIR"),
  DATABASE_URL: env("CHILD_DATABASE_URL"),
  KV_PATH: env("CHILD_KV_PATH"),
  LOG_REQUESTS: "false",
  S3_BUCKET: env("S3_BUCKET"),
  S3_ENDPOINT: env("S3_ENDPOINT"),
  S3_ACCESS_KEY_ID: env("S3_ACCESS_KEY_ID"),
  S3_SECRET_ACCESS_KEY: env("S3_SECRET_ACCESS_KEY"),
  S3_FORCE_PATH_STYLE: env("S3_FORCE_PATH_STYLE"),
});
const handle = await openDatabase(config);
const s = await openServices(config, { handle, migrate: false });
const videoId = env("VIDEO_ID");
const row = () =>
  s.db.selectFrom("videos").select(["status", "progress", "transcoded_at"])
    .where("id", "=", videoId).executeTakeFirstOrThrow();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

s.jobs.start();
if (env("PHASE") === "first") {
  const jobId = await s.jobs.enqueue("video-transcode", { videoId });
  console.log(`@@ job ${jobId}`);
  for (;;) {
    const r = await row();
    if (r.status === "PROCESSING" && r.progress > 0) {
      console.log(`@@ progress ${r.progress}`);
      break;
    }
    await sleep(100);
  }
  setInterval(() => {}, 60_000);
} else {
  const jobId = env("JOB_ID");
  const deadline = Date.now() + 240_000;
  const done = async () => {
    for (;;) {
      const info = await s.jobs.get(jobId);
      if (info?.state === "done" || info?.state === "failed" || info?.state === "dead") {
        return info;
      }
      if (Date.now() > deadline) throw new Error(`job not done: ${JSON.stringify(info)}`);
      await sleep(200);
    }
  };
  const first = await done();
  const published = await row();
  const dupId = await s.jobs.enqueue("video-transcode", { videoId });
  let dup = await s.jobs.get(dupId);
  while (dup?.state !== "done" && dup?.state !== "failed" && Date.now() < deadline) {
    await sleep(200);
    dup = await s.jobs.get(dupId);
  }
  const after = await row();
  console.log(`@@ result ${JSON.stringify({ first, published, dup, after })}`);
  await s.close();
  await handle.close();
  Deno.exit(0);
}
