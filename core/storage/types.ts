/**
 * The storage contract shared by both backends: the interface, its errors,
 * and the key rules (see mod.ts for the layout).
 */
import { AppError } from "../app_error.ts";
export interface PutOptions {
  contentType: string;
}

export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
}

export interface HeadResult extends ObjectInfo {
  contentType: string;
  /** Quoted strong entity tag, usable as the HTTP `ETag` header as is. */
  etag: string;
}

/** Inclusive byte range; `end` defaults to the last byte and is clamped to it. */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface GetResult extends HeadResult {
  body: ReadableStream<Uint8Array>;
  /** The bytes `body` holds when a range was asked for (inclusive); `size` stays the full size. */
  range?: { start: number; end: number };
}

export interface Storage {
  readonly kind: "local" | "s3";
  /**
   * Stores a file. A stream is written as it arrives (never held whole in
   * memory). If the stream errors, nothing is left under `key` and the
   * error is rethrown.
   */
  put(
    key: string,
    body: ReadableStream<Uint8Array> | Uint8Array,
    opts: PutOptions,
  ): Promise<{ size: number }>;
  /** `null` when there is no such file; throws `InvalidRangeError` when `range.start` ≥ size. */
  get(key: string, opts?: { range?: ByteRange }): Promise<GetResult | null>;
  head(key: string): Promise<HeadResult | null>;
  /** Deletes one file; deleting a missing file is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes every file whose key starts with `prefix` (non-empty); returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  /** Every file whose key starts with `prefix`, in key order. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /**
   * A short-lived URL the client may GET the object from directly (S3 only):
   * video segments are handed out this way so they do not pass through the app.
   */
  presignGet?(key: string, ttlSec: number): Promise<string>;
  close(): Promise<void>;
}

/** A key or prefix that could escape the storage root or is not in our charset. */
export class InvalidKeyError extends AppError {
  constructor(key: string) {
    super(400, "invalid", "error.400.text", {
      message: `invalid storage key: ${JSON.stringify(key.slice(0, 120))}`,
    });
    this.name = "InvalidKeyError";
  }
}

/** A byte range that starts at or past the end of the file (HTTP 416). */
export class InvalidRangeError extends AppError {
  constructor(readonly size: number) {
    super(416, "range_not_satisfiable", "error.400.text", {
      headers: { "content-range": `bytes */${size}` },
      message: "range not satisfiable",
    });
    this.name = "InvalidRangeError";
  }
}

export const MAX_KEY_LENGTH = 500;

// Each segment starts with a letter or digit, so "", ".", "..", hidden
// names and absolute paths are impossible; no backslashes, no "%", no
// spaces: a key is safe as a file path and in a URL without escaping.
const SEGMENT = "[A-Za-z0-9][A-Za-z0-9._-]*";
const KEY_RE = new RegExp(`^${SEGMENT}(?:/${SEGMENT})*$`);
const PREFIX_RE = new RegExp(`^(?:${SEGMENT}/)*(?:${SEGMENT})?$`);

export function isValidKey(key: string): boolean {
  return key.length <= MAX_KEY_LENGTH && KEY_RE.test(key) && !key.includes("..");
}

export function assertKey(key: string): string {
  if (!isValidKey(key)) throw new InvalidKeyError(key);
  return key;
}

/** Prefixes follow the key rules but may be empty or end with "/". */
export function assertPrefix(prefix: string): string {
  if (prefix.length > MAX_KEY_LENGTH || !PREFIX_RE.test(prefix) || prefix.includes("..")) {
    throw new InvalidKeyError(prefix);
  }
  return prefix;
}

const TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  avif: "image/avif",
  svg: "image/svg+xml",
  pdf: "application/pdf",
  mp4: "video/mp4",
  webm: "video/webm",
  mov: "video/quicktime",
  m3u8: "application/vnd.apple.mpegurl",
  ts: "video/mp2t",
  m4s: "video/iso.segment",
  mp3: "audio/mpeg",
  json: "application/json",
  txt: "text/plain; charset=utf-8",
};

/** The content type a key's extension implies (fallback when none was stored). */
export function typeForKey(key: string): string {
  const dot = key.lastIndexOf(".");
  const ext = dot > key.lastIndexOf("/") ? key.slice(dot + 1).toLowerCase() : "";
  return TYPES[ext] ?? "application/octet-stream";
}

/** A random file name for a new key: 128 bits, URL-safe, with the extension. */
export function randomName(ext: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return `${hex}.${ext}`;
}

/** Counts bytes flowing through a stream (for `put`'s result). */
export function countingStream(
  counter: { bytes: number },
): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      counter.bytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}
