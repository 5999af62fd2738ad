/**
 * Photos lose what they say about their owner (EXIF with GPS, XMP, comments)
 * on their way to storage, keep what they need to display (orientation,
 * colour profile, pixels), and still decode. Real JPEG and WebP files come
 * from ffmpeg; the metadata a phone adds is written into them here.
 */
import {
  exifOrientation,
  jpegOrientationSegment,
  stripImageMetadata,
} from "@/platform/image_metadata.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { makePng } from "./fixtures.ts";
import { concatBytes } from "@/platform/encoding.ts";

const enc = new TextEncoder();
const SECRETS = ["Phone-Model-X", "geo:lat", "secret comment", "photoshop-iptc"];

const be16 = (n: number) => [n >> 8, n & 0xff];
const be32 = (n: number) => [n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];

/**
 * A camera's EXIF block (big-endian TIFF): Make, Orientation 6 (phone held
 * upright) and a GPS IFD with the latitude of the owner's home.
 */
function phoneExif(): Uint8Array {
  const make = enc.encode("Phone-Model-X\0"); // 14 bytes, stored after the IFDs
  const ifd0 = 8, ifd0Size = 2 + 3 * 12 + 4;
  const gps = ifd0 + ifd0Size, gpsSize = 2 + 2 * 12 + 4;
  const makeAt = gps + gpsSize, latAt = makeAt + make.length;
  const entry = (tag: number, type: number, count: number, value: number[]) => [
    ...be16(tag),
    ...be16(type),
    ...be32(count),
    ...value,
  ];
  // deno-fmt-ignore
  return new Uint8Array([
    0x4d, 0x4d, 0x00, 0x2a, ...be32(ifd0), // "MM", 42, IFD0
    ...be16(3),
    ...entry(0x010f, 2, make.length, be32(makeAt)), // Make
    ...entry(0x0112, 3, 1, [0, 6, 0, 0]), // Orientation
    ...entry(0x8825, 4, 1, be32(gps)), // GPS IFD
    ...be32(0),
    ...be16(2),
    ...entry(0x0001, 2, 2, [0x4e, 0, 0, 0]), // GPSLatitudeRef "N"
    ...entry(0x0002, 5, 3, be32(latAt)), // GPSLatitude
    ...be32(0),
    ...make,
    ...be32(55), ...be32(1), ...be32(45), ...be32(1), ...be32(2112), ...be32(100), // 55° 45' 21.12"
  ]);
}

const XMP = enc.encode(
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description geo:lat="55.7522"/></x:xmpmeta>',
);

function jpegSegment(marker: number, payload: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array([0xff, marker, ...be16(payload.length + 2)]), payload);
}

/** One frame of ffmpeg's test pattern; bitexact: no encoder comment in the file. */
async function ffmpegImage(ext: "jpg" | "webp"): Promise<Uint8Array<ArrayBuffer>> {
  const dir = await Deno.makeTempDir({ prefix: "gafus-img-" });
  try {
    const out = `${dir}/p.${ext}`;
    const r = await new Deno.Command("ffmpeg", {
      args: [
        ...["-v", "error", "-f", "lavfi", "-i", "testsrc=size=64x48", "-frames:v", "1"],
        ...["-fflags", "+bitexact", "-flags:v", "+bitexact", out],
      ],
      stderr: "piped",
    }).output();
    if (!r.success) throw new Error(new TextDecoder().decode(r.stderr));
    return await Deno.readFile(out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The real JPEG with what a phone and an editor add, right after its SOI. */
async function phoneJpeg(): Promise<{ input: Uint8Array<ArrayBuffer>; clean: Uint8Array }> {
  const real = await ffmpegImage("jpg");
  assert(!includes(real, "Lavc"), "no encoder comment in the fixture");
  const added = concatBytes(
    jpegSegment(0xe1, concatBytes(enc.encode("Exif\0\0"), phoneExif())),
    jpegSegment(0xe1, concatBytes(enc.encode("http://ns.adobe.com/xap/1.0/\0"), XMP)),
    jpegSegment(0xed, enc.encode("Photoshop 3.0\0photoshop-iptc")),
    jpegSegment(0xfe, enc.encode("secret comment")),
  );
  return {
    input: concatBytes(real.subarray(0, 2), added, real.subarray(2)),
    // What must come out: the orientation alone, then the file as ffmpeg wrote it.
    clean: concatBytes(real.subarray(0, 2), jpegOrientationSegment(6), real.subarray(2)),
  };
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  // The CRC is not checked by the stripper; a dropped chunk never reaches a decoder.
  return concatBytes(
    new Uint8Array([...be32(data.length)]),
    enc.encode(type),
    data,
    new Uint8Array(4),
  );
}

/** A WebP in the extended format with EXIF and XMP chunks, as phones and editors write it. */
async function phoneWebp(): Promise<Uint8Array<ArrayBuffer>> {
  const simple = await ffmpegImage("webp");
  assertEquals(new TextDecoder().decode(simple.subarray(8, 16)), "WEBPVP8 ", "a simple lossy WebP");
  const le = (n: number, bytes: number) =>
    Array.from({ length: bytes }, (_, i) => (n >>> (8 * i)) & 0xff);
  const chunk = (fourcc: string, data: Uint8Array) =>
    concatBytes(
      enc.encode(fourcc),
      new Uint8Array(le(data.length, 4)),
      data,
      new Uint8Array(data.length & 1),
    );
  // Extended header: EXIF and XMP present, canvas 64×48 (stored minus one).
  const vp8x = chunk("VP8X", new Uint8Array([0x08 | 0x04, 0, 0, 0, ...le(63, 3), ...le(47, 3)]));
  const body = concatBytes(
    enc.encode("WEBP"),
    vp8x,
    simple.subarray(12),
    chunk("EXIF", phoneExif()),
    chunk("XMP ", XMP),
  );
  return concatBytes(enc.encode("RIFF"), new Uint8Array(le(body.length, 4)), body);
}

/** Runs bytes through the stripper, delivered in chunks of `size`. */
async function strip(
  type: "image/jpeg" | "image/png" | "image/webp",
  bytes: Uint8Array,
  size = 64 * 1024,
): Promise<Uint8Array> {
  let off = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(c) {
      if (off >= bytes.length) return c.close();
      c.enqueue(bytes.slice(off, off + size));
      off += size;
    },
  });
  return new Uint8Array(await new Response(stripImageMetadata(type, source)).arrayBuffer());
}

function includes(haystack: Uint8Array, needle: string): boolean {
  return new TextDecoder("latin1").decode(haystack).includes(needle);
}

/** ffmpeg decodes the file (the stripped image is still an image). */
async function decodes(bytes: Uint8Array, ext: string): Promise<boolean> {
  const file = await Deno.makeTempFile({ suffix: `.${ext}` });
  try {
    await Deno.writeFile(file, bytes);
    const r = await new Deno.Command("ffmpeg", {
      args: ["-v", "error", "-xerror", "-i", file, "-f", "null", "-"],
      stdout: "null",
      stderr: "piped",
    }).output();
    return r.success && r.stderr.length === 0;
  } finally {
    await Deno.remove(file);
  }
}

Deno.test("JPEG: EXIF, GPS, XMP, IPTC and comments are removed; orientation and pixels stay", async () => {
  const { input, clean } = await phoneJpeg();
  for (const secret of SECRETS) assert(includes(input, secret), `fixture carries ${secret}`);
  for (const size of [1, 7, 4096, 1 << 20]) {
    assertEquals(await strip("image/jpeg", input, size), clean, `chunks of ${size} bytes`);
  }
  assertEquals(exifOrientation(clean.subarray(6)), 6, "the phone's orientation survives");
  assert(await decodes(clean, "jpg"), "the result is a JPEG ffmpeg decodes");
});

Deno.test("JPEG: a photo without EXIF passes unchanged, and so does a structure that does not parse", async () => {
  const real = await ffmpegImage("jpg");
  assertEquals(await strip("image/jpeg", real, 100), real);
  const odd = concatBytes(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]), new Uint8Array(40));
  assertEquals(await strip("image/jpeg", odd, 3), odd);
});

Deno.test("PNG: text, EXIF and time chunks are removed; the image is byte for byte what it was", async () => {
  const real = await makePng();
  const ihdrEnd = 8 + 25;
  const input = concatBytes(
    real.subarray(0, ihdrEnd),
    pngChunk("eXIf", phoneExif()),
    pngChunk("tEXt", enc.encode("Comment\0secret comment")),
    pngChunk("iTXt", concatBytes(enc.encode("XML:com.adobe.xmp\0\0\0\0\0"), XMP)),
    pngChunk("tIME", new Uint8Array(7)),
    real.subarray(ihdrEnd, real.length - 12),
    pngChunk("tEXt", enc.encode("Comment\0secret comment")), // after the pixels
    real.subarray(real.length - 12), // IEND
  );
  for (const size of [1, 5, 1 << 16]) {
    assertEquals(await strip("image/png", input, size), real, `chunks of ${size} bytes`);
  }
});

Deno.test("WebP: EXIF keeps only the orientation and XMP is blanked, at the same length", async () => {
  const input = await phoneWebp();
  assert(await decodes(input, "webp"), "fixture decodes");
  for (const size of [1, 9, 1 << 16]) {
    const out = await strip("image/webp", input, size);
    assertEquals(out.length, input.length, "RIFF sizes stay true");
    for (const secret of SECRETS) assert(!includes(out, secret), `${secret} is gone (${size})`);
    const text = new TextDecoder("latin1").decode(out);
    const exifAt = text.indexOf("EXIF") + 8;
    assertEquals(exifOrientation(out.subarray(exifAt)), 6);
    const flags = out[text.indexOf("VP8X") + 8];
    assertEquals(flags & 0x04, 0, "the XMP flag is cleared");
    assertEquals(flags & 0x08, 0x08, "EXIF (the orientation) is still announced");
    assert(await decodes(out, "webp"), "the result decodes");
  }
});

Deno.test("an uploaded pet photo and avatar are stored and served without the owner's location", async () => {
  await using t = await openTestApp();
  const owner = await signIn(t, "gps_owner");
  const { input, clean } = await phoneJpeg();
  const created = await owner.fetch("/api/v1/pets", {
    method: "POST",
    body: JSON.stringify({ name: "Грета", type: "DOG", breed: "Бигль", birthDate: "2021-04-01" }),
    headers: { "content-type": "application/json" },
  });
  assertEquals(created.status, 201);
  const { pet } = await created.json();
  const put = await owner.fetch(`/api/v1/pets/${pet.id}/photo`, {
    method: "PUT",
    body: input,
    headers: { "content-type": "image/jpeg" },
  });
  assertEquals(put.status, 200);
  const { photoUrl } = (await put.json()).pet as { photoUrl: string };
  const served = new Uint8Array(await (await owner.fetch(photoUrl)).arrayBuffer());
  assertEquals(served, clean);

  const avatar = await owner.fetch("/api/v1/profile/avatar", {
    method: "PUT",
    body: input,
    headers: { "content-type": "image/jpeg" },
  });
  assertEquals(avatar.status, 200);
  const url = (await avatar.json()).profile.avatarUrl as string;
  const stored = new Uint8Array(await (await owner.fetch(url)).arrayBuffer());
  for (const secret of SECRETS) assert(!includes(stored, secret), `${secret} is not in the avatar`);
});
