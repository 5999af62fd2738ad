/**
 * Build output at run time: the client chunks (`_fresh/js/*`) and the table
 * of static files, both produced by `deno task build` and described in
 * `_fresh/meta.json`. Nothing here crawls a directory: the build did.
 */
import { join } from "node:path";

export interface BuildMeta {
  version: 1;
  runtime: string;
  /** `<manifest key>#<export>` → island name and its entry chunk. */
  islands: Record<string, { name: string; chunk: string }>;
  /** Chunk → every chunk it imports, transitively (for modulepreload). */
  deps: Record<string, string[]>;
  /** URL path → content hash, type and size of a file in `static/`. */
  static: Record<string, { hash: string; type: string; size: number }>;
  /** Chunk → bytes raw and gzip. */
  sizes: Record<string, { raw: number; gzip: number }>;
}

export const JS_PREFIX = "/_fresh/js/";

interface Chunk {
  raw: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
  etag: string;
}

export class Assets {
  #chunks = new Map<string, Chunk>();
  /**
   * This build's release: a hash of its meta.json (every chunk name and
   * static file hash), so any change to a shipped file makes a new service
   * worker URL (`/sw.js?v=<release>`) and the browser installs it.
   */
  release = "";

  private constructor(
    readonly meta: BuildMeta,
    readonly buildDir: string,
    readonly staticDir: string,
  ) {}

  static async load(buildDir: string, staticDir: string): Promise<Assets> {
    let text: string;
    try {
      text = await Deno.readTextFile(join(buildDir, "meta.json"));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new Error(
          `The client bundle is missing (${
            join(buildDir, "meta.json")
          }): run \`deno task build\` first.`,
        );
      }
      throw e;
    }
    const meta = JSON.parse(text) as BuildMeta;
    const assets = new Assets(meta, buildDir, staticDir);
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    assets.release = [...new Uint8Array(digest).slice(0, 8)]
      .map((b) => b.toString(16).padStart(2, "0")).join("");
    // Chunks are small; keeping them in memory (with their gzip form) makes
    // every request for them a map lookup.
    for (const file of Object.keys(meta.sizes)) {
      const raw = await Deno.readFile(join(buildDir, "js", file));
      const gzip = await Deno.readFile(join(buildDir, "js", file + ".gz"));
      assets.#chunks.set(file, { raw, gzip, etag: `"${file}"` });
    }
    return assets;
  }

  chunkUrl(file: string): string {
    return JS_PREFIX + file;
  }

  /** Serves a chunk: content-hashed name, so cached for a year. */
  serveChunk(req: Request, file: string): Response | null {
    const chunk = this.#chunks.get(file);
    if (!chunk) return null;
    const headers = new Headers({
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=31536000, immutable",
      "etag": chunk.etag,
      "vary": "Accept-Encoding",
    });
    if (req.headers.get("if-none-match") === chunk.etag) {
      return new Response(null, { status: 304, headers });
    }
    const gzip = /\bgzip\b/.test(req.headers.get("accept-encoding") ?? "");
    if (gzip) headers.set("content-encoding", "gzip");
    const body = gzip ? chunk.gzip : chunk.raw;
    headers.set("content-length", String(body.byteLength));
    return new Response(req.method === "HEAD" ? null : body, { headers });
  }

  hasStatic(path: string): boolean {
    return Object.hasOwn(this.meta.static, path);
  }

  /** Serves a file from `static/` when the build listed it. */
  async serveStatic(req: Request, path: string): Promise<Response | null> {
    const entry = this.meta.static[path];
    if (!entry) return null;
    const etag = `"${entry.hash}"`;
    const versioned = new URL(req.url).searchParams.get("v") === entry.hash;
    const headers = new Headers({
      "content-type": entry.type,
      "etag": etag,
      "cache-control": versioned ? "public, max-age=31536000, immutable" : "public, max-age=300",
    });
    if (req.headers.get("if-none-match") === etag) {
      return new Response(null, { status: 304, headers });
    }
    if (req.method === "HEAD") {
      headers.set("content-length", String(entry.size));
      return new Response(null, { headers });
    }
    const file = await Deno.open(join(this.staticDir, path));
    // The file's own size: one edited since the build must not be cut off.
    headers.set("content-length", String((await file.stat()).size));
    return new Response(file.readable, { headers });
  }

  /** `/styles.css` → `/styles.css?v=<hash>`, so the file can be cached for good. */
  asset(path: string): string {
    const entry = this.meta.static[path];
    return entry ? `${path}?v=${entry.hash}` : path;
  }

  /**
   * The app shell a service worker precaches: every client chunk and every
   * static file by its content-hashed URL (the worker itself excluded).
   */
  precacheUrls(): string[] {
    // The build's files do not change while it runs: listed once.
    return this.precache ??= this.listPrecache();
  }

  private precache: string[] | undefined;

  private listPrecache(): string[] {
    const chunks = Object.keys(this.meta.sizes).sort().map((f) => this.chunkUrl(f));
    const files = Object.keys(this.meta.static).sort()
      .filter((p) => p !== "/sw.js" && p !== "/robots.txt")
      .map((p) => this.asset(p));
    return [...files, ...chunks];
  }

  /** Every chunk a set of entry chunks needs, for `<link rel="modulepreload">`. */
  preloads(entries: string[]): string[] {
    const all = new Set<string>();
    for (const e of entries) {
      all.add(e);
      for (const d of this.meta.deps[e] ?? []) all.add(d);
    }
    return [...all];
  }
}
