/**
 * The storage contract, run against both backends: the local directory
 * (the embedded default) and S3 through an s3rver on loopback.
 */
import { LocalStorage } from "@/core/storage/local.ts";
import { S3Storage } from "@/core/storage/s3.ts";
import { openStorage } from "@/core/storage/mod.ts";
import { loadConfig } from "@/platform/config.ts";
import { storageSuite } from "./suite.ts";
import { startS3 } from "./s3_server.ts";
import { assert, assertEquals } from "../helpers/assert.ts";

Deno.test("storage contract: local directory backend", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "gafus-media-" });
  try {
    const storage = await LocalStorage.open(dir);
    await storageSuite(t, storage);
    await storage.close();
    // Nothing of the failed uploads is left in the temp area either.
    assertEquals(await Array.fromAsync(Deno.readDir(`${dir}/.tmp`)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "storage contract: S3 backend (s3rver on loopback)",
  // s3rver (Koa) keeps keep-alive sockets and timers past close().
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    await using s3 = await startS3();
    const storage = new S3Storage(s3.config);
    try {
      await storageSuite(t, storage);
    } finally {
      await storage.close();
    }
  },
});

Deno.test({
  name: "storage backend is chosen by configuration (S3_BUCKET → S3, else DATA_DIR/media)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "gafus-cfg-" });
    try {
      const local = await openStorage(await loadConfig({ DATA_DIR: dataDir }));
      assertEquals(local.kind, "local");
      assert(local instanceof LocalStorage && local.root === `${dataDir}/media`);
      await using s3 = await startS3();
      const remote = await openStorage(await loadConfig({ DATA_DIR: dataDir, ...s3.env }));
      assertEquals(remote.kind, "s3");
      await remote.put("users/x/avatar/y.png", new Uint8Array([1, 2, 3]), {
        contentType: "image/png",
      });
      assertEquals((await remote.head("users/x/avatar/y.png"))?.size, 3);
      await remote.close();
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test("local backend: a crashed upload's temp file is cleaned at start, fresh ones kept", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gafus-media-" });
  try {
    await Deno.mkdir(`${dir}/.tmp`, { recursive: true });
    await Deno.writeTextFile(`${dir}/.tmp/stale`, "x");
    await Deno.utime(
      `${dir}/.tmp/stale`,
      new Date(Date.now() - 2 * 3600_000),
      new Date(Date.now() - 2 * 3600_000),
    );
    await Deno.writeTextFile(`${dir}/.tmp/fresh`, "x");
    await LocalStorage.open(dir);
    const left = (await Array.fromAsync(Deno.readDir(`${dir}/.tmp`))).map((e) => e.name);
    assertEquals(left, ["fresh"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
