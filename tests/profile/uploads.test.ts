/**
 * core/uploads.ts: the streaming multipart reader, the magic-byte check and
 * the size limit — and that a refused upload leaves nothing in storage.
 */
import { LocalStorage } from "@/core/storage/local.ts";
import { IMAGE_UPLOAD, receiveUpload, sniffImage, UploadError } from "@/core/uploads.ts";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { jpegLike, makePng, pngLikeStream, webpLike } from "./fixtures.ts";
import { concatBytes } from "@/platform/encoding.ts";

const enc = new TextEncoder();

async function withStorage(fn: (s: LocalStorage) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "gafus-up-" });
  try {
    await fn(await LocalStorage.open(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A body delivered in chunks of `size` bytes (to cut delimiters at every position). */
function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let off = 0;
  return new ReadableStream({
    pull(c) {
      if (off >= bytes.length) return c.close();
      c.enqueue(bytes.slice(off, off + size));
      off += size;
    },
  });
}

function multipartBytes(
  boundary: string,
  parts: { name: string; filename?: string; type?: string; body: Uint8Array }[],
  preamble = "",
): Uint8Array<ArrayBuffer> {
  const chunks: Uint8Array[] = [enc.encode(preamble)];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined) head += `; filename="${p.filename}"`;
    head += "\r\n";
    if (p.type) head += `Content-Type: ${p.type}\r\n`;
    chunks.push(enc.encode(head + "\r\n"), p.body, enc.encode("\r\n"));
  }
  chunks.push(enc.encode(`--${boundary}--\r\n`));
  return concatBytes(...chunks);
}

function request(body: BodyInit | ReadableStream<Uint8Array>, type: string, length?: number) {
  const headers = new Headers({ "content-type": type });
  if (length !== undefined) headers.set("content-length", String(length));
  return new Request("http://x/upload", { method: "POST", body, headers });
}

const opts = (over: Partial<Parameters<typeof receiveUpload>[2]> = {}) => ({
  field: "photo",
  fields: ["name", "notes"],
  keyFor: (ext: string) => `users/u1/pets/p1/file.${ext}`,
  ...over,
});

Deno.test("sniffImage knows JPEG, PNG and WebP by their bytes, nothing else", async () => {
  assertEquals(sniffImage(jpegLike())?.contentType, "image/jpeg");
  assertEquals(sniffImage(await makePng())?.contentType, "image/png");
  assertEquals(sniffImage(webpLike())?.contentType, "image/webp");
  assertEquals(sniffImage(enc.encode("GIF89a......")), null);
  assertEquals(sniffImage(enc.encode("<svg xmlns=")), null);
  assertEquals(sniffImage(enc.encode("RIFF....WAVE")), null);
  assertEquals(sniffImage(new Uint8Array([0xff, 0xd8])), null);
});

Deno.test("multipart: fields and file are read whatever the chunking of the body", async () => {
  const png = await makePng(8, 8);
  // File bytes that contain a near-delimiter, to catch a parser that stops early.
  const tricky = new Uint8Array([...png, ...enc.encode("\r\n--XyZboundar\r\n--"), 1, 2, 3]);
  const body = multipartBytes("XyZboundary", [
    { name: "name", body: enc.encode("Рекс") },
    { name: "notes", body: enc.encode("line 1\r\nline 2") },
    { name: "photo", filename: "dog.png", type: "image/png", body: tricky },
  ], "preamble to ignore\r\n");
  for (const size of [1, 2, 3, 5, 13, 64, 1000, body.length]) {
    await withStorage(async (storage) => {
      const up = await receiveUpload(
        storage,
        request(chunked(body, size), "multipart/form-data; boundary=XyZboundary"),
        opts(),
      );
      assertEquals(up.fields, { name: "Рекс", notes: "line 1\r\nline 2" }, `chunk ${size}`);
      assert(up.file);
      assertEquals(up.file.key, "users/u1/pets/p1/file.png");
      assertEquals(up.file.filename, "dog.png");
      assertEquals(up.file.size, tricky.length);
      const got = await storage.get(up.file.key);
      assert(got);
      assertEquals(new Uint8Array(await new Response(got.body).arrayBuffer()), tricky);
    });
  }
});

Deno.test("multipart: a form built by FormData (quoted boundary, browser-like) works", async () => {
  await withStorage(async (storage) => {
    const fd = new FormData();
    fd.append("name", "Мурка");
    fd.append("photo", new File([webpLike(300)], "cat.webp", { type: "image/webp" }));
    const req = new Request("http://x/", { method: "POST", body: fd });
    const up = await receiveUpload(storage, req, opts({ keyFor: (e) => `users/u/avatar/a.${e}` }));
    assertEquals(up.fields.name, "Мурка");
    assertEquals(up.file?.contentType, "image/webp");
    assertEquals(up.file?.key, "users/u/avatar/a.webp");
  });
});

Deno.test("a text file named .jpg and sent as image/jpeg is refused and nothing is stored", async () => {
  await withStorage(async (storage) => {
    const body = multipartBytes("b0", [
      { name: "name", body: enc.encode("Rex") },
      { name: "photo", filename: "photo.jpg", type: "image/jpeg", body: enc.encode("just text") },
    ]);
    const err = await assertRejects(
      () => receiveUpload(storage, request(body, "multipart/form-data; boundary=b0"), opts()),
      UploadError,
    ) as UploadError;
    assertEquals(err.kind, "notImage");
    assertEquals(err.status, 415);
    // The fields read before the refusal come back for the form.
    assertEquals(err.values, { name: "Rex" });
    assertEquals(await storage.list(""), []);
  });
});

Deno.test("a file over the limit is cut off while streaming and nothing is stored", async () => {
  await withStorage(async (storage) => {
    const max = 200 * 1024;
    // Raw body.
    const raw = await assertRejects(
      () =>
        receiveUpload(
          storage,
          request(pngLikeStream(max + 1), "image/png"),
          opts({ policy: { ...IMAGE_UPLOAD, maxBytes: max } }),
        ),
      UploadError,
    ) as UploadError;
    assertEquals(raw.kind, "tooLarge");
    assertEquals(raw.status, 413);
    // Exactly the limit is fine.
    const ok = await receiveUpload(
      storage,
      request(pngLikeStream(max), "image/png"),
      opts({ policy: { ...IMAGE_UPLOAD, maxBytes: max } }),
    );
    assertEquals(ok.file?.size, max);
    await storage.delete(ok.file!.key);
    // Multipart, with the file part streamed.
    const big = new Uint8Array(max + 10);
    big.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const body = multipartBytes("b1", [{ name: "photo", filename: "x.png", body: big }]);
    const mp = await assertRejects(
      () =>
        receiveUpload(
          storage,
          request(chunked(body, 4096), "multipart/form-data; boundary=b1"),
          opts({ policy: { ...IMAGE_UPLOAD, maxBytes: max } }),
        ),
      UploadError,
    ) as UploadError;
    assertEquals(mp.kind, "tooLarge");
    assertEquals(await storage.list(""), []);
    assertEquals(await Array.fromAsync(Deno.readDir(`${storage.root}/.tmp`)), []);
  });
});

Deno.test("a declared Content-Length over the limit is refused before reading the body", async () => {
  await withStorage(async (storage) => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(1024));
      },
    });
    const err = await assertRejects(
      () =>
        receiveUpload(
          storage,
          request(body, "image/png", 11 * 1024 * 1024),
          opts(),
        ),
      UploadError,
    ) as UploadError;
    assertEquals(err.kind, "tooLarge");
    assertEquals(err.vars, { mb: 10 });
    assert(pulled <= 1, `read ${pulled} chunks`);
  });
});

Deno.test("a form declaring a size over the limit is refused at its file part, fields kept", async () => {
  await withStorage(async (storage) => {
    const head = enc.encode(
      '--b9\r\nContent-Disposition: form-data; name="name"\r\n\r\nРекс\r\n' +
        '--b9\r\nContent-Disposition: form-data; name="photo"; filename="big.png"\r\n\r\n',
    );
    let pulled = 0;
    // The fields, then the file part's headers, then (never read) megabytes of "file".
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(pulled === 1 ? head : new Uint8Array(64 * 1024));
      },
    });
    const err = await assertRejects(
      () =>
        receiveUpload(
          storage,
          request(body, "multipart/form-data; boundary=b9", 50 * 1024 * 1024),
          opts(),
        ),
      UploadError,
    ) as UploadError;
    assertEquals([err.kind, err.vars], ["tooLarge", { mb: 10 }]);
    assertEquals(err.values, { name: "Рекс" }, "the fields before the file come back");
    assert(pulled <= 2, `read ${pulled} chunks`);
    assertEquals(await storage.list(""), []);
  });
});

Deno.test("an empty file input means no file; broken or unexpected forms are refused cleanly", async () => {
  await withStorage(async (storage) => {
    const empty = multipartBytes("b2", [
      { name: "name", body: enc.encode("Rex") },
      { name: "photo", filename: "", type: "application/octet-stream", body: new Uint8Array() },
    ]);
    const up = await receiveUpload(
      storage,
      request(empty, "multipart/form-data; boundary=b2"),
      opts(),
    );
    assertEquals(up.file, null);
    assertEquals(up.fields, { name: "Rex" });

    const png = await makePng();
    const cases: [string, Uint8Array<ArrayBuffer>][] = [
      // Cut before the closing delimiter.
      [
        "truncated",
        multipartBytes("b3", [{ name: "photo", filename: "a.png", body: png }]).slice(0, -40),
      ],
      // A field the form does not have.
      ["unknown field", multipartBytes("b3", [{ name: "isAdmin", body: enc.encode("1") }])],
      // A second file after a stored one: the first must be deleted too.
      [
        "two files",
        multipartBytes("b3", [
          { name: "photo", filename: "a.png", body: png },
          { name: "photo", filename: "b.png", body: png },
        ]),
      ],
      [
        "file in another field",
        multipartBytes("b3", [{ name: "notes", filename: "a.png", body: png }]),
      ],
    ];
    for (const [what, body] of cases) {
      const err = await assertRejects(
        () => receiveUpload(storage, request(body, "multipart/form-data; boundary=b3"), opts()),
        UploadError,
      ) as UploadError;
      assertEquals(err.kind, "malformed", what);
      assertEquals(await storage.list(""), [], what);
    }
    await assertRejects(
      () => receiveUpload(storage, request(empty, "multipart/form-data"), opts()),
      UploadError,
    );
  });
});
