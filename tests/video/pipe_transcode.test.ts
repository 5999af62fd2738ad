/**
 * The transcoder on real ffmpeg: a 720p clip becomes four encrypted
 * renditions with a correct master playlist, published once with a sealed
 * key; small and portrait sources are not upscaled; segments are unreadable
 * without the key and readable with it; progress is recorded; a corrupt
 * upload fails with its reason after the retries; and S3 storage works the
 * same as the local directory.
 */
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { startS3 } from "../storage/s3_server.ts";
import { transcodeVideo, transcodeWorkDir } from "@/core/video/transcode.ts";
import { openContentKey } from "@/core/video/keys.ts";
import { videoHlsPrefix, videoPosterKey, videoThumbnailKey } from "@/core/video/layout.ts";
import videoTranscode from "@/queues/jobs/video_transcode.ts";
import { jobs } from "@/queues/jobs/mod.ts";
import {
  addVideo,
  decryptSegment,
  ffprobeStreams,
  firstSegmentIv,
  makeClip,
  makeOwner,
  readObject,
  readText,
  recordingCtx,
} from "./pipe_helpers.ts";

interface Variant {
  bandwidth: number;
  resolution: string;
  codecs: string;
  uri: string;
}

function parseMaster(text: string): Variant[] {
  const lines = text.split("\n");
  const out: Variant[] = [];
  lines.forEach((l, i) => {
    if (!l.startsWith("#EXT-X-STREAM-INF:")) return;
    out.push({
      bandwidth: Number(/BANDWIDTH=(\d+)/.exec(l)?.[1]),
      resolution: /RESOLUTION=(\d+x\d+)/.exec(l)?.[1] ?? "",
      codecs: /CODECS="([^"]*)"/.exec(l)?.[1] ?? "",
      uri: lines[i + 1].trim(),
    });
  });
  return out;
}

/** Bits per second of the biggest segment of a rendition, from the stored files. */
async function peakBitrate(t: TestApp, prefix: string, playlist: string): Promise<number> {
  const dir = playlist.slice(0, playlist.lastIndexOf("/") + 1);
  const text = await readText(t.services, prefix + playlist);
  let peak = 0;
  let dur = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("#EXTINF:")) dur = parseFloat(line.slice(8));
    else if (line && !line.startsWith("#")) {
      const head = await t.services.storage.head(prefix + dir + line.trim());
      peak = Math.max(peak, (head!.size * 8) / dur);
    }
  }
  return peak;
}

Deno.test({
  name:
    "transcode: a 10 s 720p clip becomes 240p–720p encrypted HLS with a correct master playlist, published once",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using t = await openTestApp();
    const s = t.services;
    const dir = await Deno.makeTempDir({ prefix: "gafus-pipe-" });
    try {
      const clip = `${dir}/720.mp4`;
      await makeClip(clip, { width: 1280, height: 720, seconds: 10 });
      const id = await addVideo(s, await makeOwner(s), clip);
      const ctx = recordingCtx();
      const r = await transcodeVideo(s, id, ctx);
      assertEquals(r.outcome, "ready");

      const v = await s.db.selectFrom("videos").selectAll().where("id", "=", id)
        .executeTakeFirstOrThrow();
      assertEquals([v.status, v.progress, v.error], ["READY", 100, null]);
      assertEquals([v.width, v.height, v.duration_sec], [1280, 720, 10]);
      assertEquals(v.hls_prefix, videoHlsPrefix(id));
      assertEquals(v.thumbnail_key, videoThumbnailKey(id));
      assert(v.transcoded_at instanceof Date);
      assert(v.source_key, "the source is kept by default");
      assert(await s.storage.head(v.source_key));
      assertEquals(v.renditions.map((x) => x.name), ["240p", "360p", "480p", "720p"]);

      // Progress: recorded between 0 and 100, never backwards, ending at 100.
      assert(ctx.seen.some((p) => p > 0 && p < 100), `progress ${ctx.seen}`);
      assertEquals(ctx.seen.at(-1), 100);
      assertEquals([...ctx.seen].sort((a, b) => a - b), ctx.seen);

      // Master playlist: each rendition with BANDWIDTH ≥ its real peak, RESOLUTION, CODECS.
      const prefix = v.hls_prefix!;
      const master = parseMaster(await readText(s, `${prefix}master.m3u8`));
      assertEquals(master.map((m) => m.resolution), [
        "426x240",
        "640x360",
        "854x480",
        "1280x720",
      ]);
      for (const [i, m] of master.entries()) {
        assertEquals(m.uri, v.renditions[i].playlist);
        assertEquals(m.bandwidth, v.renditions[i].bandwidth);
        assert(/^avc1\.[0-9a-f]{6},mp4a\.40\.2$/.test(m.codecs), m.codecs);
        const peak = await peakBitrate(t, prefix, m.uri);
        assert(m.bandwidth >= peak, `${m.uri}: BANDWIDTH ${m.bandwidth} < peak ${peak}`);
        // …and not wildly above what the ladder asked for (video + audio peak).
        assert(m.bandwidth < 2 * (i === 3 ? 2928_000 : [464_000, 896_000, 1528_000][i]));
      }

      // Rendition playlists: VOD, 4 s segments, keyframe-aligned, the key placeholder.
      const p720 = await readText(s, `${prefix}720p/index.m3u8`);
      assert(p720.includes("#EXT-X-PLAYLIST-TYPE:VOD"));
      assert(p720.includes("#EXT-X-ENDLIST"));
      assert(p720.includes('#EXT-X-KEY:METHOD=AES-128,URI="gafus-key"'), p720);
      const durations = [...p720.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]));
      assertEquals(durations.length, 3);
      assert(durations.slice(0, -1).every((d) => Math.abs(d - 4) < 0.05), String(durations));

      // Encrypted: ffprobe cannot read a raw segment, and reads it after AES-128-CBC decryption.
      const seg = await readObject(s, `${prefix}720p/seg_00001.ts`) as Uint8Array<ArrayBuffer>;
      await Deno.writeFile(`${dir}/raw.ts`, seg);
      const raw = await ffprobeStreams(`${dir}/raw.ts`);
      assert(raw === null || raw.length === 0, `raw segment readable: ${JSON.stringify(raw)}`);
      const key = await openContentKey(s.config.secrets.video, v.encryption_key!);
      const plain = await decryptSegment(key, firstSegmentIv(p720), seg);
      await Deno.writeFile(`${dir}/plain.ts`, plain);
      const streams = await ffprobeStreams(`${dir}/plain.ts`);
      assert(streams, "decrypted segment is readable");
      assertEquals(streams.map((x) => `${x.codec_type}:${x.codec_name}`).sort(), [
        "audio:aac",
        "video:h264",
      ]);

      // Thumbnail 320 px wide, poster at the source's size.
      await Deno.writeFile(`${dir}/thumb.jpg`, await readObject(s, videoThumbnailKey(id)));
      await Deno.writeFile(`${dir}/poster.jpg`, await readObject(s, videoPosterKey(id)));
      assertEquals(await imageSize(`${dir}/thumb.jpg`), "320x180");
      assertEquals(await imageSize(`${dir}/poster.jpg`), "1280x720");

      // Published once: a redelivery of the job does nothing and changes nothing.
      const files = (await s.storage.list(`videos/${id}/`)).map((o) => o.key);
      const again = await transcodeVideo(s, id, recordingCtx(2, 3));
      assertEquals(again.outcome, "skipped");
      assertEquals((await s.storage.list(`videos/${id}/`)).map((o) => o.key), files);
      // Only the final set: source, poster, thumb, master, and 4 × (playlist + 3 segments).
      assertEquals(files.length, 3 + 1 + 4 * 4, files.join("\n"));
      // The temp dir is gone.
      await assertRejects(() => Deno.stat(transcodeWorkDir(s, id)), Deno.errors.NotFound);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

async function imageSize(path: string): Promise<string> {
  const out = await new Deno.Command("ffprobe", {
    args: ["-v", "error", "-show_entries", "stream=width,height", "-of", "csv=p=0:s=x", path],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

for (const storage of ["local", "s3"] as const) {
  Deno.test({
    name:
      `transcode (${storage}): a 360p source is not upscaled, a portrait one goes by width, the source can be removed`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const s3 = storage === "s3" ? await startS3() : null;
      try {
        await using t = await openTestApp({ ...s3?.env, VIDEO_KEEP_SOURCE: "false" });
        const s = t.services;
        assertEquals(s.storage.kind, storage);
        const dir = await Deno.makeTempDir({ prefix: "gafus-pipe-" });
        try {
          const owner = await makeOwner(s);
          await makeClip(`${dir}/360.mp4`, { width: 640, height: 360, seconds: 3, audio: false });
          await makeClip(`${dir}/port.mp4`, { width: 360, height: 640, seconds: 3 });
          const small = await addVideo(s, owner, `${dir}/360.mp4`);
          const port = await addVideo(s, owner, `${dir}/port.mp4`);
          await transcodeVideo(s, small, recordingCtx());
          await transcodeVideo(s, port, recordingCtx());
          const rows = await s.db.selectFrom("videos").select([
            "id",
            "status",
            "renditions",
            "source_key",
          ]).where("id", "in", [small, port]).execute();
          const row = (id: string) => rows.find((r) => r.id === id)!;
          assertEquals(
            row(small).renditions.map((r) => `${r.name} ${r.width}x${r.height}`),
            ["240p 426x240", "360p 640x360"],
          );
          assertEquals(
            row(port).renditions.map((r) => `${r.name} ${r.width}x${r.height}`),
            ["240p 240x426", "360p 360x640"],
          );
          for (const id of [small, port]) {
            assertEquals([row(id).status, row(id).source_key], ["READY", null]);
            const keys = (await s.storage.list(`videos/${id}/`)).map((o) => o.key);
            assert(!keys.some((k) => k.includes("source.")), "source removed");
            assertEquals(keys.filter((k) => k.endsWith(".m3u8")).length, 3);
          }
          // Without audio the master names only the video codec.
          const master = parseMaster(await readText(s, `${videoHlsPrefix(small)}master.m3u8`));
          assert(master.every((m) => /^avc1\.[0-9a-f]{6}$/.test(m.codecs)), JSON.stringify(master));
          assertEquals(master.map((m) => m.resolution), ["426x240", "640x360"]);
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      } finally {
        await s3?.[Symbol.asyncDispose]();
      }
    },
  });
}

Deno.test({
  name:
    "transcode: a corrupt upload fails with its reason after the retry schedule, leaving no files",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using t = await openTestApp();
    const s = t.services;
    const dir = await Deno.makeTempDir({ prefix: "gafus-pipe-" });
    try {
      await Deno.writeFile(`${dir}/bad.mp4`, crypto.getRandomValues(new Uint8Array(50_000)));
      const id = await addVideo(s, await makeOwner(s), `${dir}/bad.mp4`);
      const max = videoTranscode.retry.length + 1;
      assert(max >= 2, "the job retries");
      const row = () =>
        s.db.selectFrom("videos").select(["status", "error", "progress"]).where("id", "=", id)
          .executeTakeFirstOrThrow();
      for (let attempt = 1; attempt < max; attempt++) {
        await assertRejects(() => transcodeVideo(s, id, recordingCtx(attempt, max)));
        const r = await row();
        assertEquals(r.status, "PENDING", "waits for the retry");
      }
      await assertRejects(() => transcodeVideo(s, id, recordingCtx(max, max)));
      const r = await row();
      assertEquals(r.status, "FAILED");
      assert(r.error?.startsWith("corrupt: "), String(r.error));
      const left = (await s.storage.list(`videos/${id}/`)).map((o) => o.key);
      assertEquals(left, [`videos/${id}/source.mp4`]);
      await assertRejects(() => Deno.stat(transcodeWorkDir(s, id)), Deno.errors.NotFound);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("transcode job: registered under the contract's name, queue and payload", () => {
  assertEquals(videoTranscode.name, "video-transcode");
  assertEquals(videoTranscode.queue, "video-transcoding");
  assert(jobs.some((j) => j.name === "video-transcode"));
  assert(videoTranscode.schema.safeParse({ videoId: "not an id" }).success === false);
  assert(videoTranscode.schema.safeParse({ videoId: "x", extra: 1 }).success === false);
});

Deno.test({
  name:
    "transcode: the job's signal (cancel, shutdown) kills ffmpeg at once; the video waits for the rerun",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using t = await openTestApp();
    const s = t.services;
    const dir = await Deno.makeTempDir({ prefix: "gafus-pipe-" });
    try {
      await makeClip(`${dir}/clip.mp4`, { width: 1280, height: 720, seconds: 10 });
      const id = await addVideo(s, await makeOwner(s), `${dir}/clip.mp4`);
      const abort = new AbortController();
      const ctx = {
        ...recordingCtx(1, 3),
        signal: abort.signal,
        progress(pct: number) {
          // Abort once ffmpeg has made progress (mid-encode).
          if (pct > 0) abort.abort(new Error("stopping"));
          return Promise.resolve();
        },
      };
      const t0 = Date.now();
      await assertRejects(() => transcodeVideo(s, id, ctx), Error, "stopping");
      assert(Date.now() - t0 < 60_000);
      const r = await s.db.selectFrom("videos").select(["status", "error"]).where("id", "=", id)
        .executeTakeFirstOrThrow();
      // Not the video's fault: not FAILED, no error; the redelivered job starts over.
      assertEquals([r.status, r.error], ["PROCESSING", null]);
      assertEquals(
        (await s.storage.list(`videos/${id}/`)).map((o) => o.key),
        [`videos/${id}/source.mp4`],
      );
      await assertRejects(() => Deno.stat(transcodeWorkDir(s, id)), Deno.errors.NotFound);
      const again = await transcodeVideo(s, id, recordingCtx(2, 3));
      assertEquals(again.outcome, "ready");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
