/**
 * The video slices together, as a trainer and a learner meet them: a file
 * uploaded to the studio library is transcoded by the job's code into
 * encrypted HLS, shows READY in the library, a step uses it, and a learner
 * plays it through the protected routes — the segment they fetch decrypts
 * with the key they fetch into media ffprobe reads. This is the contract
 * between upload, transcoder and playback (storage layout, key placeholder,
 * sealed key), which each slice's own tests fake.
 */
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { makeCourse } from "../training/helpers.ts";
import { apiVideo, makeClips, queuedTranscodes } from "./lib_helpers.ts";
import { decryptSegment, ffprobeStreams, firstSegmentIv, recordingCtx } from "./pipe_helpers.ts";
import { useVideoInStep } from "./play_helpers.ts";
import { transcodeVideo } from "@/core/video/transcode.ts";
import { LOST_TRANSCODE_MS, sweepTranscodes } from "@/core/video/library.ts";
import { videoSessionPath } from "@/core/paths.ts";

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());

Deno.test("video end to end: upload → transcode job → READY → a learner plays the decrypted segment", async () => {
  const clips = await makeClips();
  try {
    const coach = await signIn(t, "coach_e2e", "TRAINER");
    const lena = await signIn(t, "lena_e2e");
    const up = await apiVideo(t, coach, { name: "sit.mp4", bytes: clips.clip });
    assertEquals(up.status, 201);
    const videoId: string = (await up.json()).videos[0].id;
    assertEquals(await queuedTranscodes(t), [videoId], "the upload queued its transcode");

    // The job's handler is transcodeVideo (queues/jobs/video_transcode.ts).
    const ctx = recordingCtx();
    await transcodeVideo(t.services, videoId, ctx);
    assertEquals(ctx.seen.at(-1), 100);
    const status = await (await coach.fetch(`/api/v1/studio/videos?ids=${videoId}`)).json();
    assertEquals(status.videos[0].status, "READY");

    const course = await makeCourse(t, {
      author: "coach_e2e",
      days: [{ steps: [{ type: "THEORY", title: "Смотрим" }] }],
    });
    await useVideoInStep(t, course.days[0].stepIds[0], videoId);

    const session = await lena.fetch(videoSessionPath(videoId), { method: "POST" });
    assertEquals(session.status, 200);
    const master = await (await lena.fetch((await session.json()).url)).text();
    assert(master.includes("#EXT-X-STREAM-INF"), master);
    const renditionUrl = master.split("\n").find((l) => l && !l.startsWith("#"))!;
    const playlist = await (await lena.fetch(renditionUrl)).text();
    const keyUrl = /URI="([^"]+)"/.exec(playlist)![1];
    const segmentUrl = playlist.split("\n").find((l) => l && !l.startsWith("#"))!;
    const key = new Uint8Array(await (await lena.fetch(keyUrl)).arrayBuffer());
    assertEquals(key.length, 16);
    const segment = new Uint8Array(await (await lena.fetch(segmentUrl)).arrayBuffer());

    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeFile(`${dir}/raw.ts`, segment);
      assertEquals(await ffprobeStreams(`${dir}/raw.ts`), null, "the stored segment is encrypted");
      await Deno.writeFile(
        `${dir}/plain.ts`,
        await decryptSegment(key, firstSegmentIv(playlist), segment),
      );
      const streams = await ffprobeStreams(`${dir}/plain.ts`);
      assertEquals(streams?.map((st) => st.codec_name).sort(), ["aac", "h264"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  } finally {
    await Deno.remove(clips.dir, { recursive: true });
  }
});

Deno.test("a PENDING video whose job was lost is queued again by the sweeper, once", async () => {
  const coach = await signIn(t, "coach_sweep", "TRAINER");
  const id = crypto.randomUUID();
  await t.services.db.insertInto("videos").values({
    id,
    owner_id: coach.id,
    original_name: "lost.mp4",
    mime_type: "video/mp4",
    size_bytes: 10,
    source_key: `videos/${id}/source.mp4`,
  }).execute();
  const queued = async () => (await queuedTranscodes(t)).filter((v) => v === id).length;
  assertEquals(await sweepTranscodes(t.services), 0, "a fresh upload is left to its own job");
  // As if the server stopped between the row's commit and the enqueue, long ago.
  await t.services.db.updateTable("videos")
    .set({ updated_at: new Date(Date.now() - LOST_TRANSCODE_MS - 60_000) })
    .where("id", "=", id).execute();
  await sweepTranscodes(t.services);
  await sweepTranscodes(t.services);
  assertEquals(await queued(), 1, "one job, however often the sweeper runs");
});
