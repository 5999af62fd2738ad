/**
 * Answering an HTTP request for a stored file: streamed (never read whole),
 * with single byte ranges (206 + Content-Range; video players and iOS need
 * them), a strong ETag with If-None-Match / If-Range, and private caching.
 * Used by `/media/<key>` after its permission check, and by anything else
 * that streams a stored object (e.g. video segments).
 */
import { type HeadResult, InvalidRangeError, type Storage } from "./types.ts";

/** Types a browser may render from our origin; anything else is sent as a download. */
const INLINE_TYPES =
  /^(image\/(jpeg|png|webp|gif|avif)|video\/|audio\/|application\/pdf$|application\/vnd\.apple\.mpegurl$|text\/vtt)/;

export interface ServeOptions {
  /** Cache-Control value (default: private, 5 minutes, then revalidate by ETag). */
  cacheControl?: string;
}

/**
 * A `Range` header resolved against the size: a range, `null` (serve whole:
 * no header, multiple ranges, or syntax we ignore as RFC 9110 allows) or
 * "unsatisfiable".
 */
export function parseRange(
  header: string | null,
  size: number,
): { start: number; end: number } | null | "unsatisfiable" {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null;
  if (m[1] === "") {
    // Suffix: the last N bytes.
    const n = Number(m[2]);
    if (n === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== "" && Number(m[2]) < start) return null; // invalid: ignore
  if (start >= size) return "unsatisfiable";
  return { start, end };
}

function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

export async function serveObject(
  storage: Storage,
  key: string,
  req: Request,
  opts: ServeOptions = {},
): Promise<Response | null> {
  const info = await storage.head(key);
  if (!info) return null;
  const headers = baseHeaders(info, opts);
  const inm = req.headers.get("if-none-match");
  if (inm && etagMatches(inm, info.etag)) return new Response(null, { status: 304, headers });

  let range = parseRange(req.headers.get("range"), info.size);
  const ifRange = req.headers.get("if-range");
  // A range for an older version of the file would splice two versions: send it whole.
  if (range && ifRange && ifRange.trim() !== info.etag) range = null;
  if (range === "unsatisfiable") {
    headers.set("content-range", `bytes */${info.size}`);
    return new Response(null, { status: 416, headers });
  }
  if (req.method === "HEAD") {
    headers.set("content-length", String(range ? range.end - range.start + 1 : info.size));
    if (range) headers.set("content-range", `bytes ${range.start}-${range.end}/${info.size}`);
    return new Response(null, { status: range ? 206 : 200, headers });
  }
  let got;
  try {
    got = await storage.get(key, range ? { range } : {});
  } catch (e) {
    if (e instanceof InvalidRangeError) {
      headers.set("content-range", `bytes */${e.size}`);
      return new Response(null, { status: 416, headers });
    }
    throw e;
  }
  if (!got) return null;
  if (got.range) {
    headers.set("content-range", `bytes ${got.range.start}-${got.range.end}/${got.size}`);
    headers.set("content-length", String(got.range.end - got.range.start + 1));
    return new Response(got.body, { status: 206, headers });
  }
  headers.set("content-length", String(got.size));
  return new Response(got.body, { status: 200, headers });
}

function baseHeaders(info: HeadResult, opts: ServeOptions): Headers {
  const inline = INLINE_TYPES.test(info.contentType);
  return new Headers({
    "content-type": inline ? info.contentType : "application/octet-stream",
    "content-disposition": inline ? "inline" : "attachment",
    "accept-ranges": "bytes",
    etag: info.etag,
    "last-modified": info.lastModified.toUTCString(),
    "cache-control": opts.cacheControl ?? "private, max-age=300",
    // Per-user answers: a shared cache must not reuse them across sessions.
    vary: "Cookie",
    // A stored file is never a document of this site: no scripts, no plugins.
    "content-security-policy": "default-src 'none'; sandbox",
    "x-content-type-options": "nosniff",
  });
}
