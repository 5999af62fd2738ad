/**
 * A real encrypted HLS video for playback tests, made without the transcoding
 * pipeline: one ffmpeg run writes two renditions (AES-128, key URI
 * `gafus-key`) and a poster; `addReadyVideo` uploads the files at the
 * layout's keys and inserts a READY row with the sealed key. The ffmpeg
 * output is made once per process and duration (the machine is small).
 */
import { join, relative } from "node:path";
import { newId } from "@/platform/ids.ts";
import { json } from "@/db/connection.ts";
import type { VideoRendition } from "@/db/schema.ts";
import type { TestApp } from "../helpers/app.ts";
import { sealContentKey } from "@/core/video/keys.ts";
import {
  KEY_URI_PLACEHOLDER,
  videoHlsPrefix,
  videoPosterKey,
  videoThumbnailKey,
} from "@/core/video/layout.ts";
import { typeForKey } from "@/core/storage/mod.ts";

export interface HlsFixture {
  /** Relative path under the HLS folder → bytes. */
  files: Map<string, Uint8Array<ArrayBuffer>>;
  poster: Uint8Array<ArrayBuffer>;
  key: Uint8Array<ArrayBuffer>;
  durationSec: number;
  renditions: VideoRendition[];
}

const made = new Map<number, Promise<HlsFixture>>();

async function run(args: string[]): Promise<void> {
  const r = await new Deno.Command("ffmpeg", {
    args: ["-v", "error", "-y", ...args],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!r.success) throw new Error(`ffmpeg: ${new TextDecoder().decode(r.stderr)}`);
}

async function walk(dir: string, base: string, out: string[]): Promise<void> {
  for await (const e of Deno.readDir(dir)) {
    const full = join(dir, e.name);
    if (e.isDirectory) await walk(full, base, out);
    else out.push(relative(base, full));
  }
}

async function build(durationSec: number): Promise<HlsFixture> {
  const dir = await Deno.makeTempDir({ prefix: "gafus-hls-" });
  try {
    const key = crypto.getRandomValues(new Uint8Array(16));
    await Deno.writeFile(join(dir, "enc.key"), key);
    await Deno.writeTextFile(
      join(dir, "enc.keyinfo"),
      `${KEY_URI_PLACEHOLDER}\n${join(dir, "enc.key")}\n`,
    );
    const out = join(dir, "hls");
    await Deno.mkdir(out);
    await run([
      ...["-f", "lavfi", "-i", `testsrc=size=320x240:rate=25:duration=${durationSec}`],
      ...["-f", "lavfi", "-i", `sine=frequency=440:duration=${durationSec}`],
      ...["-filter_complex", "[0:v]split=2[a][b];[a]scale=320:240[v0];[b]scale=160:120[v1]"],
      ...["-map", "[v0]", "-map", "1:a", "-map", "[v1]", "-map", "1:a"],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
      ...["-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-c:a", "aac", "-b:a", "48k"],
      ...["-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod"],
      ...["-hls_key_info_file", join(dir, "enc.keyinfo")],
      ...["-hls_segment_filename", join(out, "%v", "seg_%05d.ts")],
      ...["-master_pl_name", "master.m3u8"],
      ...["-var_stream_map", "v:0,a:0,name:240p v:1,a:1,name:120p"],
      join(out, "%v", "index.m3u8"),
    ]);
    await run([
      ...["-f", "lavfi", "-i", "testsrc=size=320x240:rate=1:duration=1"],
      ...["-frames:v", "1", join(dir, "poster.jpg")],
    ]);
    const names: string[] = [];
    await walk(out, out, names);
    const files = new Map<string, Uint8Array<ArrayBuffer>>();
    for (const n of names.sort()) files.set(n, await Deno.readFile(join(out, n)));
    return {
      files,
      poster: await Deno.readFile(join(dir, "poster.jpg")),
      key,
      durationSec,
      renditions: [
        { name: "240p", width: 320, height: 240, bandwidth: 400_000, playlist: "240p/index.m3u8" },
        { name: "120p", width: 160, height: 120, bandwidth: 200_000, playlist: "120p/index.m3u8" },
      ],
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

export function hlsFixture(durationSec = 6): Promise<HlsFixture> {
  let p = made.get(durationSec);
  if (!p) made.set(durationSec, p = build(durationSec));
  return p;
}

/** Uploads the fixture as a new READY video of `ownerId`; returns its id. */
export async function addReadyVideo(
  t: TestApp,
  ownerId: string,
  opts: { durationSec?: number; title?: string } = {},
): Promise<{ videoId: string; fixture: HlsFixture }> {
  const fx = await hlsFixture(opts.durationSec);
  const videoId = newId();
  const s = t.services;
  const prefix = videoHlsPrefix(videoId);
  let size = 0;
  for (const [rel, bytes] of fx.files) {
    const key = prefix + rel;
    await s.storage.put(key, bytes, { contentType: typeForKey(key) });
    size += bytes.byteLength;
  }
  await s.storage.put(videoPosterKey(videoId), fx.poster, { contentType: "image/jpeg" });
  await s.storage.put(videoThumbnailKey(videoId), fx.poster, { contentType: "image/jpeg" });
  await s.db.insertInto("videos").values({
    id: videoId,
    owner_id: ownerId,
    original_name: "clip.mp4",
    display_name: opts.title ?? "Тестовое видео",
    mime_type: "video/mp4",
    size_bytes: size,
    duration_sec: fx.durationSec,
    width: 320,
    height: 240,
    status: "READY",
    progress: 100,
    hls_prefix: prefix,
    renditions: json(fx.renditions),
    thumbnail_key: videoThumbnailKey(videoId),
    encryption_key: await sealContentKey(s.config.secrets.video, fx.key),
    transcoded_at: new Date(),
  }).execute();
  return { videoId, fixture: fx };
}

/** Puts the video on the course's first step (the fixture courses have no video steps). */
export async function useVideoInStep(t: TestApp, stepId: string, videoId: string): Promise<void> {
  await t.services.db.updateTable("steps").set({ video_id: videoId, video_url: null })
    .where("id", "=", stepId).execute();
}

/** AES-128-CBC decryption of one HLS segment (IV: as given, or the media sequence number). */
export async function decryptSegment(
  key: Uint8Array<ArrayBuffer>,
  iv: Uint8Array<ArrayBuffer>,
  data: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const k = await crypto.subtle.importKey("raw", key, "AES-CBC", false, ["decrypt"]);
  return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-CBC", iv }, k, data));
}

/** The IV HLS implies for segment `sequence` when the playlist gives none. */
export function sequenceIv(sequence: number): Uint8Array<ArrayBuffer> {
  const iv = new Uint8Array(16);
  new DataView(iv.buffer).setUint32(12, sequence);
  return iv;
}
