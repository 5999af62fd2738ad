/**
 * Storage in a local directory (the embedded default, `DATA_DIR/media`).
 *
 * The directory mirrors the key space: key `users/u1/avatar/x.png` is the
 * file `<root>/users/u1/avatar/x.png`. Writes go to `<root>/.tmp/` first and
 * are renamed into place, so a reader never sees half a file and a failed
 * upload leaves nothing behind. The content type is implied by the key's
 * extension; only when a caller stores another type is it kept in a sidecar
 * `<root>/.meta/<key>.json`. Keys can never name `.tmp` or `.meta` (every
 * segment starts with a letter or digit), nor leave the root.
 */
import { dirname, join, resolve, sep } from "node:path";
import {
  assertKey,
  assertPrefix,
  type ByteRange,
  type GetResult,
  type HeadResult,
  InvalidKeyError,
  InvalidRangeError,
  type ObjectInfo,
  type PutOptions,
  type Storage,
  typeForKey,
} from "./types.ts";

const TMP = ".tmp";
const META = ".meta";
const READ_CHUNK = 64 * 1024;
/** Temp files older than this at start-up are leftovers of a crash. */
const STALE_TMP_MS = 60 * 60 * 1000;

interface Sidecar {
  contentType: string;
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

export class LocalStorage implements Storage {
  readonly kind = "local" as const;

  private constructor(readonly root: string) {}

  static async open(root: string): Promise<LocalStorage> {
    const abs = resolve(root);
    await Deno.mkdir(join(abs, TMP), { recursive: true });
    await Deno.mkdir(join(abs, META), { recursive: true });
    const s = new LocalStorage(abs);
    await s.cleanTmp();
    return s;
  }

  private async cleanTmp(): Promise<void> {
    const now = Date.now();
    for await (const e of Deno.readDir(join(this.root, TMP))) {
      const p = join(this.root, TMP, e.name);
      const st = await Deno.stat(p).catch(() => null);
      if (st && now - (st.mtime?.getTime() ?? 0) > STALE_TMP_MS) {
        await Deno.remove(p, { recursive: true }).catch(() => {});
      }
    }
  }

  /** The file path of a key; validated twice (charset, then the resolved path). */
  private path(key: string, base = this.root): string {
    assertKey(key);
    const p = resolve(base, ...key.split("/"));
    if (!p.startsWith(base + sep)) throw new InvalidKeyError(key);
    return p;
  }

  private metaPath(key: string): string {
    return this.path(key, join(this.root, META)) + ".json";
  }

  async put(
    key: string,
    body: ReadableStream<Uint8Array> | Uint8Array,
    opts: PutOptions,
  ): Promise<{ size: number }> {
    const dest = this.path(key);
    const tmp = join(this.root, TMP, crypto.randomUUID());
    let size = 0;
    const file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o640 });
    try {
      try {
        if (body instanceof Uint8Array) {
          await writeAll(file, body);
          size = body.byteLength;
        } else {
          for await (const chunk of body) {
            await writeAll(file, chunk);
            size += chunk.byteLength;
          }
        }
        // Durable before it becomes visible: a crash leaves the old state or the new, never a torn file.
        await file.sync();
      } finally {
        file.close();
      }
      await this.writeMeta(key, opts.contentType);
      await this.moveInto(tmp, dest);
    } catch (e) {
      await Deno.remove(tmp).catch(() => {});
      throw e;
    }
    return { size };
  }

  private async moveInto(tmp: string, dest: string): Promise<void> {
    // A concurrent delete may prune the fresh parent directory; one retry covers it.
    for (let attempt = 0;; attempt++) {
      await Deno.mkdir(dirname(dest), { recursive: true });
      try {
        await Deno.rename(tmp, dest);
        return;
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound) || attempt > 0) throw e;
      }
    }
  }

  private async writeMeta(key: string, contentType: string): Promise<void> {
    const mp = this.metaPath(key);
    if (contentType === typeForKey(key)) {
      await ignoreNotFound(Deno.remove(mp));
      return;
    }
    const tmp = join(this.root, TMP, crypto.randomUUID());
    await Deno.writeTextFile(tmp, JSON.stringify({ contentType } satisfies Sidecar));
    await this.moveInto(tmp, mp);
  }

  private async contentType(key: string): Promise<string> {
    try {
      const meta: unknown = JSON.parse(await Deno.readTextFile(this.metaPath(key)));
      if (meta && typeof meta === "object" && "contentType" in meta) {
        const ct = (meta as Sidecar).contentType;
        if (typeof ct === "string" && ct) return ct;
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound) && !(e instanceof SyntaxError)) throw e;
    }
    return typeForKey(key);
  }

  private async info(key: string, st: Deno.FileInfo): Promise<HeadResult> {
    const mtime = st.mtime ?? new Date(0);
    return {
      key,
      size: st.size,
      lastModified: mtime,
      contentType: await this.contentType(key),
      // Keys are never rewritten in place by the app, so size + mtime + inode identify the bytes.
      etag: `"${(st.ino ?? 0).toString(36)}-${st.size.toString(36)}-${
        mtime.getTime().toString(36)
      }"`,
    };
  }

  async head(key: string): Promise<HeadResult | null> {
    const p = this.path(key);
    try {
      const st = await Deno.stat(p);
      return st.isFile ? await this.info(key, st) : null;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return null;
      throw e;
    }
  }

  async get(key: string, opts: { range?: ByteRange } = {}): Promise<GetResult | null> {
    const p = this.path(key);
    let file: Deno.FsFile;
    try {
      file = await Deno.open(p, { read: true });
    } catch (e) {
      if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return null;
      throw e;
    }
    try {
      const st = await file.stat();
      if (!st.isFile) {
        file.close();
        return null;
      }
      const info = await this.info(key, st);
      let start = 0;
      let end = st.size - 1;
      if (opts.range) {
        if (opts.range.start < 0 || opts.range.start >= st.size) {
          throw new InvalidRangeError(st.size);
        }
        start = opts.range.start;
        end = Math.min(opts.range.end ?? end, end);
        if (end < start) throw new InvalidRangeError(st.size);
        if (start > 0) await file.seek(start, Deno.SeekMode.Start);
      }
      return {
        ...info,
        body: fileStream(file, end - start + 1),
        range: opts.range ? { start, end } : undefined,
      };
    } catch (e) {
      file.close();
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    const p = this.path(key);
    await ignoreNotFound(Deno.remove(p));
    await ignoreNotFound(Deno.remove(this.metaPath(key)));
    await this.prune(dirname(p), this.root);
    await this.prune(dirname(this.metaPath(key)), join(this.root, META));
  }

  /** Removes empty directories from `dir` up to (not including) `stop`. */
  private async prune(dir: string, stop: string): Promise<void> {
    while (dir.startsWith(stop + sep)) {
      try {
        await Deno.remove(dir); // fails unless empty
      } catch {
        return;
      }
      dir = dirname(dir);
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    // An empty prefix would wipe every file: never what a caller means.
    if (!prefix) throw new InvalidKeyError(prefix);
    const items = await this.list(prefix);
    for (const item of items) await this.delete(item.key);
    return items.length;
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    assertPrefix(prefix);
    // Start at the deepest directory the prefix names; filter names below it.
    const slash = prefix.lastIndexOf("/");
    const dirKey = slash >= 0 ? prefix.slice(0, slash) : "";
    const out: ObjectInfo[] = [];
    const walk = async (dir: string, keyBase: string): Promise<void> => {
      let entries: Deno.DirEntry[];
      try {
        entries = await Array.fromAsync(Deno.readDir(dir));
      } catch (e) {
        if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return;
        throw e;
      }
      for (const e of entries) {
        if (e.name.startsWith(".")) continue; // .tmp, .meta
        const key = keyBase ? `${keyBase}/${e.name}` : e.name;
        if (e.isDirectory) {
          if (key.startsWith(prefix) || prefix.startsWith(key + "/")) {
            await walk(join(dir, e.name), key);
          }
        } else if (e.isFile && key.startsWith(prefix)) {
          const st = await Deno.stat(join(dir, e.name)).catch(() => null);
          if (st) out.push({ key, size: st.size, lastModified: st.mtime ?? new Date(0) });
        }
      }
    };
    await walk(dirKey ? this.path(dirKey) : this.root, dirKey);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async close(): Promise<void> {}
}

async function writeAll(file: Deno.FsFile, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.byteLength) off += await file.write(data.subarray(off));
}

/** Streams `length` bytes from the file's current position, then closes it. */
function fileStream(file: Deno.FsFile, length: number): ReadableStream<Uint8Array> {
  let left = length;
  let closed = false;
  const close = () => {
    if (!closed) {
      closed = true;
      file.close();
    }
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (left <= 0) {
        close();
        controller.close();
        return;
      }
      const buf = new Uint8Array(Math.min(READ_CHUNK, left));
      let n: number | null;
      try {
        n = await file.read(buf);
      } catch (e) {
        close();
        controller.error(e);
        return;
      }
      if (n === null) {
        // The file shrank under us: end here rather than hang.
        close();
        controller.close();
        return;
      }
      left -= n;
      controller.enqueue(n === buf.length ? buf : buf.subarray(0, n));
    },
    cancel() {
      close();
    },
  });
}
