/**
 * Real, tiny media files made with ffmpeg on the spot (no binary fixtures in
 * the repo): one second of `testsrc` as MP4, WebM and QuickTime MOV, and a
 * one-frame JPEG — what phones and browsers actually send, headers and all.
 */

export type VideoExt = "mp4" | "webm" | "mov";

const made = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();

async function ffmpeg(ext: string, args: string[]): Promise<Uint8Array<ArrayBuffer>> {
  const dir = await Deno.makeTempDir({ prefix: "gafus-media-" });
  try {
    const out = `${dir}/clip.${ext}`;
    const r = await new Deno.Command("ffmpeg", {
      args: ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=5", ...args, out],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!r.success) throw new Error(`ffmpeg ${ext}: ${new TextDecoder().decode(r.stderr)}`);
    return await Deno.readFile(out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** One second of test pattern in the given container (made once per test process). */
export function makeVideo(ext: VideoExt): Promise<Uint8Array<ArrayBuffer>> {
  let p = made.get(ext);
  if (!p) made.set(ext, p = ffmpeg(ext, ["-t", "1", "-pix_fmt", "yuv420p"]));
  return p;
}

/** A real JPEG photo (one frame of the test pattern). */
export function makeJpeg(): Promise<Uint8Array<ArrayBuffer>> {
  let p = made.get("jpg");
  if (!p) made.set("jpg", p = ffmpeg("jpg", ["-frames:v", "1"]));
  return p;
}

export const VIDEO_TYPES: Record<VideoExt, string> = {
  mp4: "video/mp4",
  webm: "video/webm",
  mov: "video/quicktime",
};
