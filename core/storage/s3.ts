/**
 * Storage in an S3 bucket (AWS, Yandex Object Storage, MinIO…). The bucket
 * stays private: the app never hands out bucket URLs, it streams objects
 * through `/media/<key>` after checking who asks.
 *
 * Uploads of unknown length (a file arriving in a multipart request) go
 * through `@aws-sdk/lib-storage`'s `Upload`: it reads the stream in 5 MiB
 * parts, sends one PutObject when the whole body fits in the first part, and
 * a multipart upload otherwise — so memory stays at about
 * `queueSize × partSize` (10 MiB here) whatever the file size, without
 * spooling to disk first and without needing the length in advance (which a
 * plain PutObject would). A failed or aborted stream aborts the multipart
 * upload, so no object and no orphaned parts stay behind. Byte arrays (known
 * length) go in one PutObject.
 */
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { Config } from "@/platform/config.ts";
import {
  assertKey,
  assertPrefix,
  type ByteRange,
  countingStream,
  type GetResult,
  type HeadResult,
  InvalidKeyError,
  InvalidRangeError,
  type ObjectInfo,
  type PutOptions,
  type Storage,
  typeForKey,
} from "./types.ts";

export type S3Config = NonNullable<Config["s3"]>;

const PART_SIZE = 5 * 1024 * 1024; // the S3 minimum
const QUEUE_SIZE = 2;

function httpStatus(e: unknown): number | undefined {
  const meta = (e as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata;
  return typeof meta?.httpStatusCode === "number" ? meta.httpStatusCode : undefined;
}

function errorName(e: unknown): string {
  return e instanceof Error ? e.name : "";
}

function isNotFound(e: unknown): boolean {
  return httpStatus(e) === 404 || ["NoSuchKey", "NotFound"].includes(errorName(e));
}

export class S3Storage implements Storage {
  readonly kind = "s3" as const;
  readonly client: S3Client;
  readonly bucket: string;

  constructor(cfg: S3Config) {
    this.bucket = cfg.bucket;
    this.client = new S3Client({
      region: cfg.region,
      endpoint: cfg.endpoint,
      forcePathStyle: cfg.forcePathStyle,
      credentials: cfg.accessKeyId && cfg.secretAccessKey
        ? { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey }
        : undefined,
      // Checksums only where S3 requires them: S3-compatible servers (Yandex,
      // older MinIO) reject the SDK's newer default trailing checksums.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  async put(
    key: string,
    body: ReadableStream<Uint8Array> | Uint8Array,
    opts: PutOptions,
  ): Promise<{ size: number }> {
    assertKey(key);
    if (body instanceof Uint8Array) {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentLength: body.byteLength,
          ContentType: opts.contentType,
        }),
      );
      return { size: body.byteLength };
    }
    const counter = { bytes: 0 };
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: body.pipeThrough(countingStream(counter)),
        ContentType: opts.contentType,
      },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    await upload.done();
    return { size: counter.bytes };
  }

  async head(key: string): Promise<HeadResult | null> {
    assertKey(key);
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: r.ContentLength ?? 0,
        lastModified: r.LastModified ?? new Date(0),
        contentType: r.ContentType || typeForKey(key),
        etag: r.ETag ?? `"${key}"`,
      };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async get(key: string, opts: { range?: ByteRange } = {}): Promise<GetResult | null> {
    assertKey(key);
    const range = opts.range;
    if (range && (range.start < 0 || (range.end !== undefined && range.end < range.start))) {
      const h = await this.head(key);
      if (!h) return null;
      throw new InvalidRangeError(h.size);
    }
    let r;
    try {
      r = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end ?? ""}` : undefined,
        }),
      );
    } catch (e) {
      if (isNotFound(e)) return null;
      if (httpStatus(e) === 416 || errorName(e) === "InvalidRange") {
        const h = await this.head(key);
        if (!h) return null;
        throw new InvalidRangeError(h.size);
      }
      throw e;
    }
    let size = r.ContentLength ?? 0;
    let got: { start: number; end: number } | undefined;
    const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(r.ContentRange ?? "");
    if (m) {
      got = { start: Number(m[1]), end: Number(m[2]) };
      size = Number(m[3]);
    } else if (range) {
      // The server ignored the range (some do for a whole-object range): say what we have.
      got = { start: 0, end: size - 1 };
    }
    const body = r.Body?.transformToWebStream() ?? new ReadableStream({ start: (c) => c.close() });
    return {
      key,
      size,
      lastModified: r.LastModified ?? new Date(0),
      contentType: r.ContentType || typeForKey(key),
      etag: r.ETag ?? `"${key}"`,
      body: body as ReadableStream<Uint8Array>,
      range: got,
    };
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async deletePrefix(prefix: string): Promise<number> {
    if (!prefix) throw new InvalidKeyError(prefix);
    const items = await this.list(prefix);
    for (let i = 0; i < items.length; i += 1000) {
      const batch = items.slice(i, i + 1000);
      const r = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((o) => ({ Key: o.key })), Quiet: true },
        }),
      );
      if (r.Errors?.length) {
        const first = r.Errors[0];
        throw new Error(
          `S3 delete failed for ${r.Errors.length} objects: ${first.Key}: ${first.Code}`,
        );
      }
    }
    return items.length;
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    assertPrefix(prefix);
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const r = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix || undefined,
          ContinuationToken: token,
        }),
      );
      for (const o of r.Contents ?? []) {
        if (!o.Key) continue;
        out.push({ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) });
      }
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async presignGet(key: string, ttlSec: number): Promise<string> {
    assertKey(key);
    return await getSignedUrl(
      this.client,
      new GetObjectCommand({ Bucket: this.bucket, Key: key }),
      { expiresIn: Math.max(1, Math.round(ttlSec)) },
    );
  }

  close(): Promise<void> {
    this.client.destroy();
    return Promise.resolve();
  }
}
