/**
 * Test images made on the spot (no binary fixtures in the repo): a real
 * PNG any browser decodes, a JPEG/WebP header good enough for magic-byte
 * checks, and multipart helpers.
 */
import { concatBytes } from "@/platform/encoding.ts";

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

async function zlib(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A real RGB PNG of one colour. */
export async function makePng(
  width = 4,
  height = 4,
  rgb: [number, number, number] = [137, 54, 255],
): Promise<Uint8Array<ArrayBuffer>> {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, no filter, no interlace
  const raw = new Uint8Array(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3);
    for (let x = 0; x < width; x++) raw.set(rgb, row + 1 + x * 3);
  }
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", await zlib(raw)),
    chunk("IEND", new Uint8Array(0)),
  ];
  return concatBytes(...parts);
}

/** Bytes that start like a JPEG (SOI + APP0 JFIF); enough for a magic-byte check. */
export function jpegLike(size = 64): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(size);
  b.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
  return b;
}

export function webpLike(size = 64): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(size);
  b.set(new TextEncoder().encode("RIFF"), 0);
  new DataView(b.buffer).setUint32(4, size - 8, true);
  b.set(new TextEncoder().encode("WEBPVP8 "), 8);
  return b;
}

/** `size` bytes starting with a PNG signature, produced lazily (never held whole). */
export function pngLikeStream(size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(c) {
      if (sent >= size) return c.close();
      const n = Math.min(64 * 1024, size - sent);
      const buf = new Uint8Array(n);
      if (sent === 0) buf.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      sent += n;
      c.enqueue(buf);
    },
  });
}

/** A multipart form with text fields and one file, as a browser sends it. */
export function form(
  fields: Record<string, string>,
  file?: { field: string; name: string; type: string; bytes: Uint8Array<ArrayBuffer> },
): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  if (file) fd.append(file.field, new File([file.bytes], file.name, { type: file.type }));
  return fd;
}
