/**
 * The video foundation: content keys sealed under the server secret (never
 * readable under another), and ffprobe's verdict on a real clip, a portrait
 * clip, an audio-only file and a file that is not a video.
 */
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { newContentKey, openContentKey, sealContentKey } from "@/core/video/keys.ts";
import { interpretProbe, probeVideo, VideoRejectedError } from "@/core/video/probe.ts";

const SECRET = "s".repeat(40);

Deno.test("video keys: a sealed content key opens under the same secret only", async () => {
  const key = newContentKey();
  const sealed = await sealContentKey(SECRET, key);
  assert(!sealed.includes(Array.from(key, (b) => b.toString(16).padStart(2, "0")).join("")));
  assertEquals(await openContentKey(SECRET, sealed), key);
  await assertRejects(() => openContentKey("t".repeat(40), sealed));
  const [v, iv, data] = sealed.split(".");
  const altered = `${v}.${iv}.${data.slice(0, -2)}${data.endsWith("A") ? "B" : "A"}`;
  await assertRejects(() => openContentKey(SECRET, altered));
});

async function ffmpeg(args: string[]): Promise<void> {
  const out = await new Deno.Command("ffmpeg", { args: ["-v", "error", "-y", ...args] }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
}

Deno.test("video probe: size, duration and audio of a real clip; portrait by display size", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const land = `${dir}/land.mp4`;
    await ffmpeg([
      ...["-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=2"],
      ...["-f", "lavfi", "-i", "sine=frequency=440:duration=2"],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", land],
    ]);
    const p = await probeVideo(land);
    assertEquals([p.width, p.height, p.hasAudio, p.videoCodec], [640, 360, true, "h264"]);
    assert(Math.abs(p.durationSec - 2) < 0.2, String(p.durationSec));

    const port = `${dir}/port.mp4`;
    await ffmpeg([
      ...["-f", "lavfi", "-i", "testsrc=size=360x640:rate=25:duration=1"],
      ...["-c:v", "libx264", "-preset", "ultrafast", port],
    ]);
    const q = await probeVideo(port);
    assertEquals([q.width, q.height, q.hasAudio], [360, 640, false]);

    const audio = `${dir}/tone.m4a`;
    await ffmpeg(["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac", audio]);
    const noVideo = await assertRejects(
      () => probeVideo(audio),
      VideoRejectedError,
    ) as VideoRejectedError;
    assertEquals(noVideo.reason, "noVideo");

    const text = `${dir}/fake.mp4`;
    await Deno.writeTextFile(text, "this is not a video at all");
    const bad = await assertRejects(
      () => probeVideo(text),
      VideoRejectedError,
    ) as VideoRejectedError;
    assertEquals([bad.reason, bad.status], ["unreadable", 422]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("video probe: a rotated phone clip is portrait; over an hour is refused", () => {
  const rotated = interpretProbe({
    streams: [{
      codec_type: "video",
      codec_name: "h264",
      width: 1920,
      height: 1080,
      side_data_list: [{ rotation: -90 }],
    }],
    format: { duration: "12.5", bit_rate: "4000000", format_name: "mov,mp4" },
  });
  assertEquals([rotated.width, rotated.height, rotated.bitrateKbps], [1080, 1920, 4000]);
  const long = () =>
    interpretProbe({
      streams: [{ codec_type: "video", width: 640, height: 360 }],
      format: { duration: String(60 * 60 + 1) },
    });
  try {
    long();
    throw new Error("not refused");
  } catch (e) {
    assert(e instanceof VideoRejectedError && e.reason === "tooLong");
  }
});
