import { assert, assertEquals, assertNotEquals, assertRejects } from "../helpers/assert.ts";
import { ConfigError, loadConfig } from "@/platform/config.ts";

Deno.test("bad values stop start-up with one line per variable naming it and the rule", async () => {
  const err = await assertRejects(
    () =>
      loadConfig({
        PORT: "eighty",
        DATABASE_URL: "mysql://x",
        LOG_LEVEL: "loud",
        S3_BUCKET: "Bad_Bucket",
      }),
    ConfigError,
  ) as ConfigError;
  assertEquals(err.problems, [
    "PORT: must be a whole number from 1 to 65535",
    "DATABASE_URL: must be a URL (postgres: or postgresql:)",
    "LOG_LEVEL: must be debug, info, warn or error",
    "S3_BUCKET: must be a valid bucket name (3–63 lower-case letters, digits, dots, hyphens)",
  ]);
});

Deno.test("production requires its secrets and public URL", async () => {
  const dir = await Deno.makeTempDir();
  const err = await assertRejects(
    () => loadConfig({ GAFUS_ENV: "production", DATA_DIR: dir }),
    ConfigError,
  ) as ConfigError;
  assertEquals(err.problems, [
    "SESSION_SECRET: is required when GAFUS_ENV=production",
    "VIDEO_SECRET: is required when GAFUS_ENV=production",
    "PUBLIC_URL: is required when GAFUS_ENV=production",
  ]);
  const ok = await loadConfig({
    GAFUS_ENV: "production",
    DATA_DIR: dir,
    SESSION_SECRET: "s".repeat(32),
    VIDEO_SECRET: "v".repeat(32),
    PUBLIC_URL: "https://gafus.example/",
  });
  assertEquals(ok.publicUrl, "https://gafus.example");
  assertEquals(ok.autoSeed, false);
  // Nothing is generated on disk in production.
  await assertRejects(() => Deno.stat(`${dir}/secrets.json`), Deno.errors.NotFound);
});

Deno.test("local secrets are generated once, kept private, and reused", async () => {
  const dir = await Deno.makeTempDir();
  const a = await loadConfig({ DATA_DIR: dir });
  const b = await loadConfig({ DATA_DIR: dir });
  assertEquals(a.secrets.session, b.secrets.session);
  assertEquals(a.secrets.vapid?.publicKey, b.secrets.vapid?.publicKey);
  assert(a.secrets.session.length >= 32);
  assertNotEquals(a.secrets.session, a.secrets.video);
  assertEquals((await Deno.stat(`${dir}/secrets.json`)).mode! & 0o777, 0o600);
});

Deno.test("pairs of variables must be set together", async () => {
  const dir = await Deno.makeTempDir();
  const err = await assertRejects(
    () =>
      loadConfig({
        DATA_DIR: dir,
        S3_ENDPOINT: "http://127.0.0.1:9000",
        VAPID_PUBLIC_KEY: "B".repeat(87),
      }),
    ConfigError,
  ) as ConfigError;
  assertEquals(err.problems, [
    "VAPID_PRIVATE_KEY: VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are set together",
    "S3_ENDPOINT: needs S3_BUCKET to be set too",
  ]);
});

Deno.test("empty variables count as unset", async () => {
  const dir = await Deno.makeTempDir();
  const c = await loadConfig({ DATA_DIR: dir, PORT: "", DATABASE_URL: "" });
  assertEquals(c.port, 8000);
  assertEquals(c.databaseUrl, undefined);
});
