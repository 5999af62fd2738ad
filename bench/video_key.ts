/**
 * The video key endpoint under load (every viewer of a video hits it, and it
 * checks access on every request, uncached): `GET /api/v1/videos/<id>/key?t=…`
 * signed in, with a real token, for a learner of a PRIVATE course (the worst
 * case: the access row is read each time), on PostgreSQL — beside a bare
 * `Deno.serve` answering 16 bytes and the app's `/health` in the same run.
 *
 * `deno task bench video-key` runs this section alone (or
 * `deno run -A --unstable-kv --unstable-cron bench/video_key.ts`).
 */
import { fmt, freePort, load, type LoadResult, row, spawnDeno, TABLE_HEAD } from "./lib.ts";
import { withPostgresApp } from "./pg_app.ts";
import { newId } from "@/platform/ids.ts";
import { newContentKey, sealContentKey } from "@/core/video/keys.ts";
import { signPlaybackToken } from "@/core/video/playback.ts";
import { videoHlsPrefix } from "@/core/video/layout.ts";
import { videoKeyPath } from "@/core/paths.ts";
import type { Services } from "@/core/services.ts";

const root = new URL("..", import.meta.url).pathname;

export async function runVideoKeyBench(databaseUrl: string): Promise<string[]> {
  const barePort = freePort();
  const bare = await spawnDeno(
    `${root}bench/bare.ts`,
    [String(barePort), "key"],
    Deno.env.toObject(),
    `http://127.0.0.1:${barePort}/`,
  );
  const videoSecret = crypto.randomUUID() + crypto.randomUUID();
  let results: LoadResult[] = [];
  try {
    const baseline = await load("bare Deno.serve, 16 bytes (baseline)", `${bare.url}/`);
    results = await withPostgresApp(databaseUrl, async (env) => {
      const [trainer, learner] = await env.createUsers("vkey", 2);
      await env.db.updateTable("users").set({ role: "TRAINER" }).where("id", "=", trainer)
        .execute();
      const videoId = newId();
      await env.db.insertInto("videos").values({
        id: videoId,
        owner_id: trainer,
        original_name: "bench.mp4",
        mime_type: "video/mp4",
        size_bytes: 1,
        duration_sec: 60,
        status: "READY",
        progress: 100,
        hls_prefix: videoHlsPrefix(videoId),
        encryption_key: await sealContentKey(videoSecret, newContentKey()),
      }).execute();
      const courseId = newId();
      await env.db.insertInto("courses").values({
        id: courseId,
        slug: `vkey-${courseId.slice(0, 8)}`,
        name: "Video key bench",
        access: "PRIVATE",
        published_at: new Date(),
        author_id: trainer,
      }).execute();
      await env.db.insertInto("course_access").values({ course_id: courseId, user_id: learner })
        .execute();
      const dayId = newId();
      await env.db.insertInto("training_days").values({
        id: dayId,
        title: "День",
        author_id: trainer,
      }).execute();
      const stepId = newId();
      await env.db.insertInto("steps").values({
        id: stepId,
        title: "Видео",
        type: "THEORY",
        video_id: videoId,
        author_id: trainer,
      }).execute();
      await env.db.insertInto("step_on_day").values({
        id: newId(),
        day_id: dayId,
        step_id: stepId,
        position: 0,
      }).execute();
      await env.db.insertInto("day_on_course").values({
        id: newId(),
        course_id: courseId,
        day_id: dayId,
        position: 0,
      }).execute();
      const fake = { config: { secrets: { video: videoSecret } } } as unknown as Services;
      const { token } = await signPlaybackToken(
        fake,
        { userId: learner, videoId, kind: "request" },
        3600,
      );
      const session = await env.sessionFor(learner);
      const url = `${env.url}${videoKeyPath(videoId, token)}`;
      const check = await fetch(url, { headers: { cookie: session.cookie } });
      const bytes = new Uint8Array(await check.arrayBuffer());
      if (check.status !== 200 || bytes.length !== 16) {
        throw new Error(`key endpoint answered ${check.status} with ${bytes.length} bytes`);
      }
      const health = await load("/health (full middleware stack)", `${env.url}/health`);
      const key = await load(
        "GET …/videos/<id>/key (signed in, real token, private course)",
        url,
        { headers: { cookie: session.cookie } },
      );
      return [health, key];
    }, { VIDEO_SECRET: videoSecret, LOG_REQUESTS: "true", LOG_LEVEL: "info" });
    return [
      "## Video key endpoint (PostgreSQL)",
      "",
      "Token check (HS256), session, `canWatchVideo` (video, the course using it, the " +
      "access row) and opening the sealed key on every request; nothing cached.",
      "",
      ...TABLE_HEAD,
      row(baseline, baseline),
      ...results.map((r) => row(r, baseline)),
      "",
      `Key endpoint / \`/health\`: ${fmt((results[1].rps / results[0].rps) * 100, 1)} %.`,
      "",
    ];
  } finally {
    await bare.stop();
  }
}

if (import.meta.main) {
  const server = Deno.env.get("BENCH_DATABASE_URL") ??
    "postgres://postgres@127.0.0.1:5432/postgres";
  for (const line of await runVideoKeyBench(server)) console.log(line);
}
