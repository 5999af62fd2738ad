/**
 * Shared by the library's tests: tiny real clips made with ffmpeg (testsrc +
 * sine, ultrafast) once per test file, and the uploads a browser sends.
 */
import type { TestApp } from "../helpers/app.ts";
import type { Session } from "../helpers/session.ts";
import { assert } from "../helpers/assert.ts";

async function ffmpeg(args: string[]): Promise<void> {
  const out = await new Deno.Command("ffmpeg", { args: ["-v", "error", "-y", ...args] }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
}

export interface Clips {
  dir: string;
  /** 2 s, 160×90, H.264 + AAC. */
  clip: Uint8Array<ArrayBuffer>;
  /** An MP4 with only an AAC track (passes the magic bytes, fails the probe). */
  audioOnly: Uint8Array<ArrayBuffer>;
  /** A valid MP4 header followed by garbage (passes the magic bytes, unreadable). */
  broken: Uint8Array<ArrayBuffer>;
}

export async function makeClips(): Promise<Clips> {
  const dir = await Deno.makeTempDir({ prefix: "gafus-lib-clips-" });
  await ffmpeg([
    ...["-f", "lavfi", "-i", "testsrc=size=160x90:rate=10:duration=2"],
    ...["-f", "lavfi", "-i", "sine=frequency=440:duration=2"],
    ...["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest"],
    ...["-movflags", "+faststart", `${dir}/clip.mp4`],
  ]);
  await ffmpeg([
    ...["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac", "-f", "mp4", `${dir}/tone.mp4`],
  ]);
  const clip = await Deno.readFile(`${dir}/clip.mp4`);
  const audioOnly = await Deno.readFile(`${dir}/tone.mp4`);
  // The clip's own ftyp box, then noise: the sniffer says MP4, ffprobe cannot read it.
  const broken = new Uint8Array(4096);
  broken.set(clip.subarray(0, 32));
  broken.fill(0x5a, 32);
  return { dir, clip, audioOnly, broken };
}

export function formWith(field: string, files: { name: string; bytes: Uint8Array<ArrayBuffer> }[]) {
  const fd = new FormData();
  for (const f of files) fd.append(field, new File([f.bytes], f.name, { type: "video/mp4" }));
  return fd;
}

/** The no-JS form: multipart, the CSRF token in the URL. */
export function postVideos(
  t: TestApp,
  who: Session,
  files: { name: string; bytes: Uint8Array<ArrayBuffer> }[],
  lang?: "ru" | "en",
): Promise<Response> {
  return t.fetch(`/studio/videos?_csrf=${encodeURIComponent(who.csrf)}`, {
    method: "POST",
    body: formWith("videos", files),
    headers: who.headers(lang ? { cookie: `lang=${lang}` } : {}),
  });
}

/** The island's XHR: one file to the JSON API. */
export function apiVideo(
  t: TestApp,
  who: Session,
  file: { name: string; bytes: Uint8Array<ArrayBuffer> },
  lang?: "ru" | "en",
): Promise<Response> {
  return t.fetch("/api/v1/studio/videos", {
    method: "POST",
    body: formWith("videos", [file]),
    headers: who.headers({
      accept: "application/json",
      "x-csrf-token": who.csrf,
      ...(lang ? { cookie: `lang=${lang}` } : {}),
    }),
  });
}

/** Every transcode job waiting in the queue, as [videoId, …]. */
export async function queuedTranscodes(t: TestApp): Promise<string[]> {
  const page = await t.services.jobs.list({ queue: "video-transcoding", state: "queued" });
  return page.jobs.filter((j) => j.name === "video-transcode")
    .map((j) => (j.payload as { videoId: string }).videoId);
}

/** What is left of uploads on disk and in storage. */
export async function leftovers(t: TestApp): Promise<{ tmp: string[]; stored: string[] }> {
  const tmp: string[] = [];
  try {
    for await (const e of Deno.readDir(`${t.config.dataDir}/tmp`)) tmp.push(e.name);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const stored = (await t.services.storage.list("videos/")).map((o) => o.key);
  return { tmp, stored };
}
