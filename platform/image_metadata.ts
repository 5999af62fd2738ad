/**
 * Removes what a photo says about its owner while it streams to storage.
 * Phone photos carry EXIF (the GPS position of the owner's home, the camera,
 * the time) and XMP; avatars and pet photos are shown on public profiles.
 *
 * - JPEG: drops APP1 (EXIF, XMP), APP3–APP13, APP15 and comments; keeps
 *   APP0 (JFIF), APP2 (ICC colours) and APP14 (Adobe colour transform). The
 *   EXIF orientation survives in a minimal APP1 of its own, or a portrait
 *   phone photo would show on its side.
 * - PNG: drops `eXIf`, `tEXt`, `zTXt`, `iTXt` and `tIME` chunks.
 * - WebP: the RIFF header states the file's size up front, so chunks are
 *   rewritten in place at the same length instead of dropped: `EXIF` keeps
 *   only the orientation (zero padding after it), `XMP ` becomes blanks and
 *   its VP8X flag is cleared.
 *
 * JPEG segments are read up to the image data, where cameras and editors
 * put their metadata; PNG and WebP chunks are read to the end. Pixels pass
 * through as they arrive. A file whose structure does not parse passes
 * through unchanged from that point (its first bytes already proved it an
 * image; a broken file carries no usable photo either).
 */
import { concatBytes } from "./encoding.ts";

type ImageType = "image/jpeg" | "image/png" | "image/webp";

/** The same bytes with metadata removed, as a stream (nothing is held beyond one segment). */
export function stripImageMetadata(
  type: ImageType,
  source: ReadableStream<Uint8Array>,
): ReadableStream<Uint8Array> {
  const reader = new ByteReader(source.getReader());
  const parts = type === "image/jpeg"
    ? jpeg(reader)
    : type === "image/png"
    ? png(reader)
    : webp(reader);
  return new ReadableStream<Uint8Array>({
    async pull(c) {
      // Skip empty parts: an enqueued empty chunk would look like progress to nobody.
      for (;;) {
        const r = await parts.next();
        if (r.done) return c.close();
        if (r.value.byteLength) return c.enqueue(r.value);
      }
    },
    async cancel(reason) {
      await reader.cancel(reason);
    },
  });
}

// ------------------------------------------------------------------ JPEG

const SOS = 0xda, EOI = 0xd9, APP1 = 0xe1, COM = 0xfe;

/** APP0 (JFIF), APP2 (ICC) and APP14 (Adobe) stay; other APPn and comments go. */
function dropJpegSegment(marker: number): boolean {
  return marker === COM || (marker >= 0xe1 && marker <= 0xef && marker !== 0xe2 && marker !== 0xee);
}

async function* jpeg(r: ByteReader): AsyncGenerator<Uint8Array> {
  if (!(await r.ensure(2))) return yield* r.rest();
  yield r.take(2); // SOI
  while (await r.ensure(2)) {
    const [ff, marker] = r.peek(2);
    if (ff !== 0xff) break;
    if (marker === 0xff) {
      yield r.take(1); // fill byte before a marker
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      yield r.take(2); // markers without a length
      continue;
    }
    // The image data starts (or ends): nothing to strip after it.
    if (marker === SOS || marker === EOI || !(await r.ensure(4))) break;
    const head = r.peek(4);
    const total = 2 + ((head[2] << 8) | head[3]);
    if (total < 4) break;
    if (marker === APP1) {
      if (!(await r.ensure(total))) break;
      const orientation = exifOrientation(r.take(total).subarray(4));
      if (orientation) yield jpegOrientationSegment(orientation);
    } else if (dropJpegSegment(marker)) {
      await r.skip(total);
    } else {
      yield* r.pass(total);
    }
  }
  yield* r.rest();
}

/** APP1 with an EXIF block that holds the orientation alone. */
export function jpegOrientationSegment(orientation: number): Uint8Array {
  const tiff = minimalExif(orientation);
  const out = new Uint8Array(4 + 6 + tiff.length);
  const length = out.length - 2;
  out.set([0xff, APP1, length >> 8, length & 0xff], 0);
  out.set(EXIF_PREFIX, 4);
  out.set(tiff, 10);
  return out;
}

// ------------------------------------------------------------------- PNG

const PNG_DROP = new Set(["eXIf", "tEXt", "zTXt", "iTXt", "tIME"]);

async function* png(r: ByteReader): AsyncGenerator<Uint8Array> {
  if (!(await r.ensure(8))) return yield* r.rest();
  yield r.take(8); // signature
  while (await r.ensure(8)) {
    const head = r.peek(8);
    const length = new DataView(head.buffer, head.byteOffset, 8).getUint32(0);
    const type = ascii(head, 4, 8);
    if (length > 0x7fffffff || !/^[A-Za-z]{4}$/.test(type)) break;
    const total = 12 + length; // length, type, data, CRC
    // Text may follow the pixels too: every chunk is looked at; IDAT streams through.
    if (PNG_DROP.has(type)) await r.skip(total);
    else yield* r.pass(total);
  }
  yield* r.rest();
}

// ------------------------------------------------------------------ WebP

const VP8X_XMP = 0x04;
/** Rewriting an EXIF chunk in place needs it whole; bigger ones are blanked unread. */
const MAX_EXIF_CHUNK = 256 * 1024;

async function* webp(r: ByteReader): AsyncGenerator<Uint8Array> {
  if (!(await r.ensure(12))) return yield* r.rest();
  yield r.take(12); // RIFF, size, WEBP
  while (await r.ensure(8)) {
    const head = r.peek(8);
    const fourcc = ascii(head, 0, 4);
    const size = new DataView(head.buffer, head.byteOffset, 8).getUint32(4, true);
    const total = 8 + size + (size & 1); // chunks are padded to an even length
    if (fourcc === "VP8X" && size >= 10 && await r.ensure(18)) {
      const chunk = r.take(18);
      chunk[8] &= ~VP8X_XMP;
      yield chunk;
      yield* r.pass(total - 18);
    } else if (fourcc === "EXIF") {
      yield r.take(8);
      if (size <= MAX_EXIF_CHUNK && await r.ensure(total - 8)) {
        const data = r.take(total - 8);
        const orientation = exifOrientation(data) ?? 1;
        data.fill(0);
        data.set(minimalExif(orientation).subarray(0, data.length));
        yield data;
      } else {
        yield* blank(r, total - 8, 0);
      }
    } else if (fourcc === "XMP ") {
      yield r.take(8);
      yield* blank(r, total - 8, 0x20); // XMP allows whitespace padding
    } else {
      yield* r.pass(total);
    }
  }
  yield* r.rest();
}

/** `n` bytes of the source replaced by `fill`, as they arrive. */
async function* blank(r: ByteReader, n: number, fill: number): AsyncGenerator<Uint8Array> {
  for await (const part of r.pass(n)) yield new Uint8Array(part.byteLength).fill(fill);
}

// ------------------------------------------------------------------ EXIF

const EXIF_PREFIX = new Uint8Array([0x45, 0x78, 0x69, 0x66, 0, 0]); // "Exif\0\0"
const ORIENTATION_TAG = 0x0112;

/**
 * The orientation (2–8) an EXIF block asks for, or null (absent, normal or
 * unreadable). Accepts the block with or without the `Exif\0\0` prefix.
 */
export function exifOrientation(block: Uint8Array): number | null {
  let b = block;
  if (b.length >= 6 && EXIF_PREFIX.every((v, i) => b[i] === v)) b = b.subarray(6);
  if (b.length < 8) return null;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const order = ascii(b, 0, 2);
  if (order !== "II" && order !== "MM") return null;
  const le = order === "II";
  if (view.getUint16(2, le) !== 42) return null;
  const ifd = view.getUint32(4, le);
  if (ifd + 2 > b.length) return null;
  const count = view.getUint16(ifd, le);
  for (let i = 0; i < count; i++) {
    const at = ifd + 2 + i * 12;
    if (at + 12 > b.length) return null;
    if (view.getUint16(at, le) !== ORIENTATION_TAG) continue;
    const value = view.getUint16(at + 8, le);
    return value >= 2 && value <= 8 ? value : null;
  }
  return null;
}

/** A TIFF block (big-endian) with one IFD holding only the orientation. */
function minimalExif(orientation: number): Uint8Array {
  return new Uint8Array([
    0x4d,
    0x4d,
    0x00,
    0x2a,
    0x00,
    0x00,
    0x00,
    0x08, // "MM", 42, IFD0 at 8
    0x00,
    0x01, // one entry
    0x01,
    0x12,
    0x00,
    0x03,
    0x00,
    0x00,
    0x00,
    0x01,
    orientation >> 8,
    orientation & 0xff,
    0,
    0,
    0x00,
    0x00,
    0x00,
    0x00, // no next IFD
  ]);
}

function ascii(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...b.subarray(from, to));
}

// ------------------------------------------------------------ byte reader

/** Reads a stream by byte counts: a look ahead, whole takes, and pass-through of long runs. */
class ByteReader {
  #buf: Uint8Array = new Uint8Array(0);
  #eof = false;
  constructor(private reader: ReadableStreamDefaultReader<Uint8Array>) {}

  /** True when `n` bytes are buffered (reading more as needed); false at the end of the stream. */
  async ensure(n: number): Promise<boolean> {
    while (this.#buf.length < n && !this.#eof) {
      const r = await this.reader.read();
      if (r.done) this.#eof = true;
      else this.#buf = this.#buf.length ? concatBytes(this.#buf, r.value) : r.value;
    }
    return this.#buf.length >= n;
  }

  /** The first `n` buffered bytes, left in place (call `ensure(n)` first). */
  peek(n: number): Uint8Array {
    return this.#buf.subarray(0, n);
  }

  /** Removes and returns the first `n` buffered bytes (a copy, safe to change). */
  take(n: number): Uint8Array {
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  /** The next `n` bytes as they come (fewer if the stream ends first). */
  async *pass(n: number): AsyncGenerator<Uint8Array> {
    let left = n;
    while (left > 0) {
      if (!this.#buf.length && !(await this.ensure(1))) return;
      const part = this.#buf.subarray(0, Math.min(left, this.#buf.length));
      this.#buf = this.#buf.subarray(part.length);
      left -= part.length;
      yield part;
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.pass(n)) { /* dropped */ }
  }

  /** Everything left, unchanged. */
  async *rest(): AsyncGenerator<Uint8Array> {
    if (this.#buf.length) yield this.#buf;
    this.#buf = new Uint8Array(0);
    while (!this.#eof) {
      const r = await this.reader.read();
      if (r.done) this.#eof = true;
      else yield r.value;
    }
  }

  async cancel(reason: unknown): Promise<void> {
    await this.reader.cancel(reason);
  }
}
