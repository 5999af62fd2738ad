/**
 * Shared by the pipe tests: tiny clips made with ffmpeg (testsrc + sine),
 * a video row with its source in storage, a job context that records
 * progress, and reading the encrypted output back.
 */
import { assert } from "../helpers/assert.ts";
import type { Services } from "@/core/services.ts";
import { newId } from "@/platform/ids.ts";
import { videoSourceKey } from "@/core/video/layout.ts";
import type { TranscodeContext } from "@/core/video/transcode.ts";

export interface ClipOptions {
  width: number;
  height: number;
  seconds: number;
  audio?: boolean;
}

/** An H.264 (+ AAC) mp4 clip of the given size, made fast. */
export async function makeClip(path: string, o: ClipOptions): Promise<void> {
  const args = [
    ...["-v", "error", "-y", "-f", "lavfi", "-i"],
    `testsrc=size=${o.width}x${o.height}:rate=25:duration=${o.seconds}`,
  ];
  if (o.audio !== false) {
    args.push("-f", "lavfi", "-i", `sine=frequency=440:duration=${o.seconds}`);
  }
  args.push("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p");
  if (o.audio !== false) args.push("-c:a", "aac", "-shortest");
  args.push(path);
  const out = await new Deno.Command("ffmpeg", { args, stderr: "piped" }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
}

/** A trainer to own videos (no password needed here). */
export async function makeOwner(s: Services, username = `trainer_${newId().slice(-8)}`) {
  const id = newId();
  await s.db.insertInto("users").values({
    id,
    username: username.toLowerCase().replace(/[^a-z0-9_]/g, "_").slice(0, 32),
    password_hash: "not-a-hash",
    role: "TRAINER",
  }).execute();
  return id;
}

/** A PENDING video row whose source is the given local file, stored as an upload would be. */
export async function addVideo(s: Services, ownerId: string, file: string): Promise<string> {
  const id = newId();
  const key = videoSourceKey(id, "mp4");
  const bytes = await Deno.readFile(file);
  await s.storage.put(key, bytes, { contentType: "video/mp4" });
  await s.db.insertInto("videos").values({
    id,
    owner_id: ownerId,
    original_name: "clip.mp4",
    mime_type: "video/mp4",
    size_bytes: bytes.length,
    source_key: key,
  }).execute();
  return id;
}

export function recordingCtx(
  attempt = 1,
  maxAttempts = 3,
): TranscodeContext & { seen: number[] } {
  const seen: number[] = [];
  return {
    seen,
    signal: new AbortController().signal,
    progress(pct) {
      seen.push(pct);
      return Promise.resolve();
    },
    job: { attempt, maxAttempts },
  };
}

/** A stored object's bytes. */
export async function readObject(s: Services, key: string): Promise<Uint8Array> {
  const got = await s.storage.get(key);
  assert(got, `missing ${key}`);
  return new Uint8Array(await new Response(got.body).arrayBuffer());
}

export async function readText(s: Services, key: string): Promise<string> {
  return new TextDecoder().decode(await readObject(s, key));
}

/** ffprobe's streams of a file, or null when ffprobe refuses it. */
export async function ffprobeStreams(
  path: string,
): Promise<{ codec_type: string; codec_name: string }[] | null> {
  const out = await new Deno.Command("ffprobe", {
    args: ["-v", "error", "-print_format", "json", "-show_streams", path],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) return null;
  const parsed = JSON.parse(new TextDecoder().decode(out.stdout));
  return parsed.streams ?? [];
}

/** AES-128-CBC (PKCS#7) as HLS uses it. */
export async function decryptSegment(
  key: Uint8Array<ArrayBuffer>,
  iv: Uint8Array<ArrayBuffer>,
  data: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", key, "AES-CBC", false, ["decrypt"]);
  return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-CBC", iv }, k, data));
}

/** The IV of a playlist's first segment: the KEY's IV attribute, else its media sequence number. */
export function firstSegmentIv(playlist: string): Uint8Array<ArrayBuffer> {
  const iv = /#EXT-X-KEY:[^\n]*IV=0x([0-9a-fA-F]{32})/.exec(playlist)?.[1];
  const out = new Uint8Array(16);
  if (iv) {
    for (let i = 0; i < 16; i++) out[i] = parseInt(iv.slice(i * 2, i * 2 + 2), 16);
    return out;
  }
  const seq = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(playlist)?.[1] ?? 0);
  new DataView(out.buffer).setUint32(12, seq);
  return out;
}
