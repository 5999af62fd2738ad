/**
 * Receiving uploaded files without holding them in memory — the one way
 * every upload (avatars, pet photos, exam videos) reaches storage.
 *
 * `receiveUpload` reads a request body as it arrives: a `multipart/form-data`
 * form (parsed here by a small streaming parser — `Request.formData()` would
 * buffer the whole body) or a raw body (API clients and XHR/fetch uploads
 * with progress send the file itself). The caller's `UploadPolicy` says what
 * is accepted: a sniffer that proves the format from the first bytes (magic
 * numbers; the name and the declared type are ignored) and a size limit —
 * `IMAGE_UPLOAD` (JPEG, PNG, WebP; 10 MB), `VIDEO_UPLOAD` (MP4, MOV,
 * WebM; 100 MB) and `PDF_UPLOAD` (PDF; 20 MB). A form may carry several
 * files in one field when the caller allows it (`maxFiles`). Both paths then pipe the file straight into storage under
 * the caller's key, counting bytes on the way: past the limit the stream is
 * failed, the backend drops the partial object, and the key is deleted again
 * for good measure. Images lose their EXIF and XMP on the way
 * (core/image_metadata.ts): a phone photo knows where its owner lives.
 * Small text fields of the same form are collected (bounded) so a no-JS
 * form can send its fields and a file at once.
 */
import type { Storage } from "./storage/mod.ts";
import { AppError } from "./app_error.ts";
import { log } from "@/platform/log.ts";
import { stripImageMetadata } from "@/platform/image_metadata.ts";
import { concatBytes } from "@/platform/encoding.ts";

const MB = 1024 * 1024;
export const IMAGE_MAX_BYTES = 10 * MB;
export const VIDEO_MAX_BYTES = 100 * MB;
export const PDF_MAX_BYTES = 20 * MB;

export type UploadErrorCode =
  | "notImage"
  | "notVideo"
  | "notPdf"
  | "tooLarge"
  | "tooMany"
  | "required"
  | "malformed"
  | "interrupted";

const STATUS: Record<UploadErrorCode, number> = {
  notImage: 415,
  notVideo: 415,
  notPdf: 415,
  tooMany: 422,
  tooLarge: 413,
  required: 400,
  malformed: 400,
  interrupted: 400,
};

/** Stable codes for JSON clients. */
const JSON_CODE: Record<UploadErrorCode, string> = {
  notImage: "not_image",
  notVideo: "not_video",
  notPdf: "not_pdf",
  tooMany: "too_many",
  tooLarge: "too_large",
  required: "required",
  malformed: "malformed",
  interrupted: "interrupted",
};

/**
 * A refused upload. Its message belongs to the form's file field, which the
 * code that reads the upload names (`onField`; `_form` until then).
 */
export class UploadError extends AppError {
  /** Text fields of the form read before the refusal (to show the form again with them). */
  values: Record<string, string> = {};
  constructor(readonly kind: UploadErrorCode, vars: Record<string, number> = {}) {
    super(STATUS[kind], JSON_CODE[kind], `upload.${kind}`, {
      vars,
      fields: { _form: { key: `upload.${kind}`, vars } },
      message: `upload refused: ${kind}`,
    });
    this.name = "UploadError";
  }

  /** Puts the message on the form's file field. */
  onField(field: string): this {
    this.fields = { [field]: { key: this.messageKey, vars: this.vars } };
    return this;
  }
}

// ------------------------------------------------------------- policies

/** What the first bytes prove a file to be. */
export interface FileKind {
  contentType: string;
  /** Extension for the storage key (never taken from the client's name). */
  ext: string;
}

/** What a caller accepts. */
export interface UploadPolicy {
  /** The format the first bytes prove, or null (refused with `refusal`). */
  sniff(head: Uint8Array): FileKind | null;
  /** How many first bytes `sniff` needs (it gets fewer only when the file is shorter). */
  headBytes: number;
  maxBytes: number;
  /** The refusal when `sniff` says no; its message names the accepted formats. */
  refusal: "notImage" | "notVideo" | "notPdf";
  /** Rewrites the file on its way to storage (e.g. removes a photo's location). */
  clean?(kind: FileKind, body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array>;
}

export interface ImageKind extends FileKind {
  contentType: "image/jpeg" | "image/png" | "image/webp";
  ext: "jpg" | "png" | "webp";
}

const ascii = (b: Uint8Array, from: number, to: number) =>
  String.fromCharCode(...b.subarray(from, Math.min(to, b.length)));

/** The image format the first bytes prove, or null. Needs at least 12 bytes. */
export function sniffImage(head: Uint8Array): ImageKind | null {
  const b = head;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    return { contentType: "image/jpeg", ext: "jpg" };
  }
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (b.length >= 8 && png.every((v, i) => b[i] === v)) {
    return { contentType: "image/png", ext: "png" };
  }
  if (b.length >= 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP") {
    return { contentType: "image/webp", ext: "webp" };
  }
  return null;
}

export interface VideoKind extends FileKind {
  contentType: "video/mp4" | "video/quicktime" | "video/webm";
  ext: "mp4" | "mov" | "webm";
}

/** Bytes the video sniffer looks at (WebM names its doctype within the first few dozen). */
export const VIDEO_HEAD_BYTES = 64;

/**
 * ISO-BMFF brands that are not videos: HEIF/AVIF photos and M4A audio share
 * the `ftyp` box with MP4 and would otherwise pass as one.
 */
const NOT_VIDEO_BRANDS = new Set([
  "heic",
  "heix",
  "heim",
  "heis",
  "hevc",
  "hevx",
  "mif1",
  "msf1",
  "avif",
  "avis",
  "M4A ",
  "M4B ",
  "M4P ",
  "crx ",
]);

/** The video container the first bytes prove (MP4, QuickTime MOV or WebM), or null. */
export function sniffVideo(head: Uint8Array): VideoKind | null {
  if (head.length >= 12) {
    const size = new DataView(head.buffer, head.byteOffset, 4).getUint32(0);
    const box = ascii(head, 4, 8);
    if (box === "ftyp") {
      // major brand + minor version + whole compatible brands: 16… bytes, 4-aligned.
      if (size < 16 || size > 4096 || size % 4 !== 0) return null;
      const brand = ascii(head, 8, 12);
      if (!/^[\x20-\x7e]{4}$/.test(brand) || NOT_VIDEO_BRANDS.has(brand)) return null;
      return brand === "qt  "
        ? { contentType: "video/quicktime", ext: "mov" }
        : { contentType: "video/mp4", ext: "mp4" };
    }
    // Old QuickTime files start with another atom (size 1 = 64-bit size follows).
    if (["moov", "mdat", "wide", "free", "skip"].includes(box) && (size === 1 || size >= 8)) {
      return { contentType: "video/quicktime", ext: "mov" };
    }
  }
  // EBML header; Matroska in general is not playable in browsers, WebM (its subset) is.
  if (
    head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf &&
    head[3] === 0xa3 && ebmlDocType(head) === "webm"
  ) {
    return { contentType: "video/webm", ext: "webm" };
  }
  return null;
}

/** The DocType element (id 0x4282) of an EBML header within `head`, if there. */
function ebmlDocType(head: Uint8Array): string | null {
  for (let i = 4; i + 2 < head.length; i++) {
    if (head[i] !== 0x42 || head[i + 1] !== 0x82) continue;
    // Its size is an EBML variable-length integer: leading zero bits give its width.
    const first = head[i + 2];
    const width = Math.clz32(first) - 23;
    if (width < 1 || width > 8 || i + 2 + width > head.length) continue;
    let size = first & (0xff >> width);
    for (let k = 1; k < width; k++) size = size * 256 + head[i + 2 + k];
    const at = i + 2 + width;
    if (size < 1 || size > 16 || at + size > head.length) continue;
    return ascii(head, at, at + size).replace(/\0+$/, "");
  }
  return null;
}

/** Avatars and pet photos: JPEG, PNG or WebP up to 10 MB, stored without EXIF/XMP. */
export const IMAGE_UPLOAD: UploadPolicy = {
  sniff: sniffImage,
  headBytes: 12,
  maxBytes: IMAGE_MAX_BYTES,
  refusal: "notImage",
  clean: (kind, body) => stripImageMetadata(kind.contentType as ImageKind["contentType"], body),
};

/** Videos (exam reports): MP4, MOV or WebM up to 100 MB. */
export const VIDEO_UPLOAD: UploadPolicy = {
  sniff: sniffVideo,
  headBytes: VIDEO_HEAD_BYTES,
  maxBytes: VIDEO_MAX_BYTES,
  refusal: "notVideo",
};

/** A PDF: the header `%PDF-` starts the file (the spec allows junk before it; we do not). */
export function sniffPdf(head: Uint8Array): FileKind | null {
  return head.length >= 5 && ascii(head, 0, 5) === "%PDF-"
    ? { contentType: "application/pdf", ext: "pdf" }
    : null;
}

/** Documents attached to steps: PDF up to 20 MB, stored as sent. */
export const PDF_UPLOAD: UploadPolicy = {
  sniff: sniffPdf,
  headBytes: 5,
  maxBytes: PDF_MAX_BYTES,
  refusal: "notPdf",
};

/** The limit in whole megabytes for messages (one decimal below 1 MB). */
function megabytes(bytes: number): number {
  return bytes >= MB ? Math.floor(bytes / MB) : Math.round((bytes / MB) * 10) / 10;
}

export interface StoredFile {
  key: string;
  size: number;
  contentType: string;
  /** As the client named it (display only; never used in the key). */
  filename: string;
}

export interface UploadOptions {
  /** The form field that carries the file (multipart). */
  field: string;
  /** What is accepted (format and size). Default: `IMAGE_UPLOAD`. */
  policy?: UploadPolicy;
  /** The storage key for the file, given the extension its bytes prove. */
  keyFor(ext: string): string;
  /** Text fields allowed alongside (multipart); others are refused. Default: none. */
  fields?: readonly string[];
  /**
   * How many files the field may carry (multipart, `<input multiple>`);
   * one more is refused with `tooMany` (`{max}`). Default: 1 (a second
   * file part is malformed).
   */
  maxFiles?: number;
}

export interface Upload {
  /** The file, or null when the form was sent without one (empty file input). */
  file: StoredFile | null;
  /** Every file of the field, in the order sent (`file` is the first). */
  files: StoredFile[];
  /** Text fields of a multipart form (last value wins). */
  fields: Record<string, string>;
}

/** One text field: room for a 10 000-character answer in any script (UTF-8). */
const MAX_FIELD_BYTES = 64 * 1024;
const MAX_HEADER_BYTES = 8 * 1024;
/** What a form may add around the file (boundaries, headers, text fields). */
const FORM_OVERHEAD = 256 * 1024;

/**
 * Reads the request's file (and fields) into storage. Throws `UploadError`
 * for a refused upload; nothing of it is left in storage then.
 */
export async function receiveUpload(
  storage: Storage,
  req: Request,
  opts: UploadOptions,
): Promise<Upload> {
  try {
    return await receive(storage, req, opts);
  } catch (e) {
    // The client stopped sending (closed the tab, lost the network): a refusal
    // of that request, not a server fault. Whatever it had stored is gone already.
    const err = e instanceof BodyInterrupted ? new UploadError("interrupted") : e;
    if (err instanceof UploadError) err.onField(opts.field);
    throw err;
  }
}

/** A read of the request body failed: the client went away mid-upload. */
class BodyInterrupted extends Error {
  constructor(cause: unknown) {
    super("request body interrupted", { cause });
    this.name = "BodyInterrupted";
  }
}

/** The request body, with a failed read told apart from every other error. */
function guardedBody(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream({
    async pull(c) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        throw new BodyInterrupted(e);
      }
      if (r.done) c.close();
      else c.enqueue(r.value);
    },
    cancel: (reason) => reader.cancel(reason),
    // Read only what the parser asks for (a refused form stops reading at once).
  }, { highWaterMark: 0 });
}

async function receive(storage: Storage, req: Request, opts: UploadOptions): Promise<Upload> {
  const policy = opts.policy ?? IMAGE_UPLOAD;
  const max = policy.maxBytes;
  const type = req.headers.get("content-type") ?? "";
  const length = Number(req.headers.get("content-length") ?? NaN);
  const multipart = /^multipart\/form-data\b/i.test(type);
  // The declared size alone may say no: a raw body is refused before reading
  // anything; a form only at its file part, so the fields before it come back.
  const declaredTooLarge = Number.isFinite(length) &&
    length > (multipart ? max * (opts.maxFiles ?? 1) + FORM_OVERHEAD : max);
  if (declaredTooLarge && !multipart) {
    await req.body?.cancel().catch(() => {});
    throw new UploadError("tooLarge", { mb: megabytes(max) });
  }
  if (!req.body) throw new UploadError("required");
  const body = guardedBody(req.body);
  if (!multipart) {
    const file = await storeFile(storage, body, policy, opts.keyFor, "");
    if (!file) throw new UploadError("required");
    return { file, files: [file], fields: {} };
  }
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type);
  if (!boundary) throw new UploadError("malformed");
  const reader = new MultipartReader(body, boundary[1] ?? boundary[2]);
  const fields: Record<string, string> = {};
  const files: StoredFile[] = [];
  const maxFiles = opts.maxFiles ?? 1;
  let fileParts = 0;
  // Each allowed field once, the files, `_csrf`, and a little slack.
  const maxParts = (opts.fields?.length ?? 0) + maxFiles + 8;
  let fieldBytes = 0;
  try {
    for (let parts = 0;; parts++) {
      const part = await reader.nextPart();
      if (!part) break;
      if (parts >= maxParts) throw new UploadError("malformed");
      if (part.filename !== undefined) {
        if (part.name !== opts.field) throw new UploadError("malformed");
        if (++fileParts > maxFiles) {
          if (maxFiles === 1) throw new UploadError("malformed");
          throw new UploadError("tooMany", { max: maxFiles });
        }
        if (declaredTooLarge) throw new UploadError("tooLarge", { mb: megabytes(max) });
        const file = await storeFile(
          storage,
          reader.partStream(),
          policy,
          opts.keyFor,
          part.filename,
        );
        if (file) files.push(file);
      } else {
        if (!opts.fields?.includes(part.name) && part.name !== "_csrf") {
          throw new UploadError("malformed");
        }
        const text = await reader.readText(MAX_FIELD_BYTES);
        fieldBytes += text.length;
        if (fieldBytes > FORM_OVERHEAD) throw new UploadError("malformed");
        fields[part.name] = text;
      }
    }
  } catch (e) {
    for (const f of files) await storage.delete(f.key).catch(() => {});
    await reader.cancel();
    const err = e instanceof MultipartSyntaxError ? new UploadError("malformed") : e;
    if (err instanceof UploadError) err.values = fields;
    throw err;
  }
  return { file: files[0] ?? null, files, fields };
}

/**
 * Sniffs the first bytes, then streams the rest into storage with the size
 * limit. Returns null for an empty body (a form sent without a file).
 */
async function storeFile(
  storage: Storage,
  body: ReadableStream<Uint8Array>,
  policy: UploadPolicy,
  keyFor: (ext: string) => string,
  filename: string,
): Promise<StoredFile | null> {
  const max = policy.maxBytes;
  const reader = body.getReader();
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let done = false;
  while (headBytes < policy.headBytes) {
    const r = await reader.read();
    if (r.done) {
      done = true;
      break;
    }
    head.push(r.value);
    headBytes += r.value.byteLength;
  }
  if (headBytes === 0 && done) return null;
  const first = head.length === 1 ? head[0] : concatBytes(...head);
  const kind = policy.sniff(first);
  if (!kind) {
    await reader.cancel().catch(() => {});
    throw new UploadError(policy.refusal);
  }
  const mb = megabytes(max);
  let seen = 0;
  let tooLarge = false;
  // Pull-based: storage asks for the next chunk only when it wrote the last,
  // so a slow disk or S3 slows the client down instead of filling memory.
  const limited = new ReadableStream<Uint8Array>({
    start(c) {
      seen = first.byteLength;
      if (seen > max) {
        tooLarge = true;
        c.error(new UploadError("tooLarge", { mb }));
        return;
      }
      c.enqueue(first);
      if (done) c.close();
    },
    async pull(c) {
      const r = await reader.read();
      if (r.done) return c.close();
      seen += r.value.byteLength;
      if (seen > max) {
        tooLarge = true;
        c.error(new UploadError("tooLarge", { mb }));
        return;
      }
      c.enqueue(r.value);
    },
    async cancel(reason) {
      await reader.cancel(reason);
    },
  });
  const key = keyFor(kind.ext);
  const cleaned = policy.clean ? policy.clean(kind, limited) : limited;
  try {
    const { size } = await storage.put(key, cleaned, { contentType: kind.contentType });
    return { key, size, contentType: kind.contentType, filename: filename.slice(0, 200) };
  } catch (e) {
    await storage.delete(key).catch(() => {});
    if (tooLarge) {
      await reader.cancel().catch(() => {});
      throw new UploadError("tooLarge", { mb });
    }
    throw e;
  }
}

/** Deletes a file that was just replaced; a failure is logged, not thrown (the change stands). */
export async function deleteReplaced(storage: Storage, key: string): Promise<void> {
  try {
    await storage.delete(key);
  } catch (err) {
    log.warn("could not delete a replaced file", { key, err });
  }
}

// ------------------------------------------------------ multipart parsing

class MultipartSyntaxError extends Error {}

interface PartHead {
  name: string;
  /** Present (maybe "") for file parts. */
  filename?: string;
  contentType?: string;
}

const CRLF = new Uint8Array([13, 10]);
const enc = new TextEncoder();

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  const last = hay.length - needle.length;
  for (let i = hay.indexOf(first, from); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

/**
 * A streaming `multipart/form-data` reader (RFC 7578): parts come one after
 * the other, and a part's body is handed out chunk by chunk while the next
 * delimiter is searched for, keeping at most one delimiter's length back.
 */
class MultipartReader {
  private reader: ReadableStreamDefaultReader<Uint8Array>;
  /** Starts with CRLF so the first delimiter looks like every other one. */
  private buf: Uint8Array = CRLF;
  private pos = 0;
  private ended = false;
  private state: "preamble" | "body" | "between" | "done" = "preamble";
  private readonly delim: Uint8Array;

  constructor(body: ReadableStream<Uint8Array>, boundary: string) {
    if (!boundary || boundary.length > 200) throw new MultipartSyntaxError("bad boundary");
    this.reader = body.getReader();
    this.delim = enc.encode(`\r\n--${boundary}`);
  }

  /** Appends the next network chunk; false at the end of the body. */
  private async more(): Promise<boolean> {
    if (this.ended) return false;
    const r = await this.reader.read();
    if (r.done) {
      this.ended = true;
      return false;
    }
    const rest = this.buf.subarray(this.pos);
    const next = new Uint8Array(rest.length + r.value.length);
    next.set(rest, 0);
    next.set(r.value, rest.length);
    this.buf = next;
    this.pos = 0;
    return true;
  }

  private async need(n: number): Promise<void> {
    while (this.buf.length - this.pos < n) {
      if (!(await this.more())) throw new MultipartSyntaxError("unexpected end");
    }
  }

  /** The next part's headers, or null after the closing delimiter. */
  async nextPart(): Promise<PartHead | null> {
    if (this.state === "done") return null;
    if (this.state === "preamble" || this.state === "body") {
      // Skip the preamble or what the caller left of the previous part.
      while ((await this.bodyChunk()) !== null) { /* discard */ }
    }
    await this.need(2);
    if (this.buf[this.pos] === 45 && this.buf[this.pos + 1] === 45) { // "--"
      this.state = "done";
      return null;
    }
    // Transport padding, then CRLF.
    while (true) {
      await this.need(1);
      const c = this.buf[this.pos];
      if (c === 32 || c === 9) this.pos++;
      else break;
    }
    await this.need(2);
    if (this.buf[this.pos] !== 13 || this.buf[this.pos + 1] !== 10) {
      throw new MultipartSyntaxError("no CRLF after delimiter");
    }
    this.pos += 2;
    let end: number;
    while ((end = indexOf(this.buf, enc.encode("\r\n\r\n"), this.pos)) === -1) {
      if (this.buf.length - this.pos > MAX_HEADER_BYTES) {
        throw new MultipartSyntaxError("headers too long");
      }
      if (!(await this.more())) throw new MultipartSyntaxError("unexpected end in headers");
    }
    const text = new TextDecoder().decode(this.buf.subarray(this.pos, end));
    this.pos = end + 4;
    this.state = "body";
    return parsePartHead(text);
  }

  /** The next chunk of the current part's body, or null at its end. */
  private async bodyChunk(): Promise<Uint8Array | null> {
    if (this.state !== "body" && this.state !== "preamble") return null;
    while (true) {
      const at = indexOf(this.buf, this.delim, this.pos);
      if (at !== -1) {
        const chunk = this.buf.subarray(this.pos, at);
        this.pos = at + this.delim.length;
        this.state = "between";
        return chunk.length ? chunk : null;
      }
      // Keep back what could be the start of a delimiter split across chunks.
      const safe = this.buf.length - (this.delim.length - 1);
      if (safe > this.pos) {
        const chunk = this.buf.subarray(this.pos, safe);
        this.pos = safe;
        return chunk;
      }
      if (!(await this.more())) throw new MultipartSyntaxError("unexpected end in body");
    }
  }

  /** The current part's body as a stream (consume it before `nextPart`). */
  partStream(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      pull: async (c) => {
        try {
          const chunk = await this.bodyChunk();
          if (chunk === null) c.close();
          else c.enqueue(chunk);
        } catch (e) {
          c.error(e instanceof MultipartSyntaxError ? new UploadError("malformed") : e);
        }
      },
    });
  }

  async readText(max: number): Promise<string> {
    const chunks: Uint8Array[] = [];
    let n = 0;
    for (let c = await this.bodyChunk(); c !== null; c = await this.bodyChunk()) {
      n += c.length;
      if (n > max) throw new UploadError("malformed");
      chunks.push(c);
    }
    return new TextDecoder().decode(concatBytes(...chunks));
  }

  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => {});
  }
}

function parsePartHead(text: string): PartHead {
  let disposition = "";
  let contentType: string | undefined;
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "content-disposition") disposition = value;
    else if (name === "content-type") contentType = value;
  }
  if (!/^form-data\b/i.test(disposition)) throw new MultipartSyntaxError("not form-data");
  const params: Record<string, string> = {};
  const re = /;\s*([\w*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g;
  for (let m = re.exec(disposition); m; m = re.exec(disposition)) {
    params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3];
  }
  if (params.name === undefined) throw new MultipartSyntaxError("part without a name");
  let filename = params.filename;
  const star = params["filename*"];
  if (star !== undefined) {
    const m = /^utf-8''(.*)$/i.exec(star);
    if (m) {
      try {
        filename = decodeURIComponent(m[1]);
      } catch {
        // keep the plain filename
      }
    }
  }
  return { name: params.name, filename, contentType };
}
