/**
 * An S3-compatible server on loopback for tests: npm `s3rver` (a small
 * Koa app that keeps objects in a temporary directory). It runs under Deno's
 * Node compatibility and speaks the parts of the S3 API the app uses: put,
 * multipart upload, get with ranges, head, list v2, delete and batch delete.
 */
import S3rver from "s3rver";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import type { Config } from "@/platform/config.ts";

export interface TestS3 {
  /** What `Config.s3` would hold for this server. */
  config: NonNullable<Config["s3"]>;
  /** The env variables that select it (for `openTestApp`). */
  env: Record<string, string>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startS3(bucket = "gafus-test"): Promise<TestS3> {
  const dir = await Deno.makeTempDir({ prefix: "gafus-s3-" });
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: dir });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const config = {
    bucket,
    endpoint,
    region: "us-east-1",
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    forcePathStyle: true,
  };
  const admin = new S3Client({
    endpoint,
    region: config.region,
    forcePathStyle: true,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
  });
  try {
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    admin.destroy();
  }
  return {
    config,
    env: {
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_REGION: config.region,
      S3_ACCESS_KEY_ID: config.accessKeyId,
      S3_SECRET_ACCESS_KEY: config.secretAccessKey,
      S3_FORCE_PATH_STYLE: "true",
    },
    async [Symbol.asyncDispose]() {
      await server.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
