import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { cliEnv } from "../helpers/cli.ts";
import { loadConfig } from "@/platform/config.ts";
import { openServices } from "@/services.ts";
import { inspectResetToken } from "@/core/auth/password_reset.ts";
import { configureLog } from "@/platform/log.ts";

Deno.test("CLI: admin user:reset-link prints a working link; bad usage exits 2", async (t) => {
  await using cli = await cliEnv({ PUBLIC_URL: "https://gafus.example" });
  const created = await cli.run(
    "admin",
    "user:create",
    "--username",
    "locked_out",
    "--password",
    "Secret123",
    "--email",
    "locked@example.ru",
  );
  assertEquals(created.code, 0, created.stderr);
  const tokens: string[] = [];

  await t.step("by username: the link with PUBLIC_URL", async () => {
    const r = await cli.run("admin", "user:reset-link", "locked_out");
    assertEquals(r.code, 0, r.stderr);
    assertStringIncludes(r.stdout, "Reset link for locked_out (valid until ");
    const m = /https:\/\/gafus\.example\/password-reset\/([A-Za-z0-9_-]{43})\s*$/.exec(r.stdout);
    assert(m, r.stdout);
    tokens.push(m[1]);
  });

  await t.step("by email, as JSON", async () => {
    const r = await cli.run("admin", "user:reset-link", "Locked@Example.ru", "--json");
    assertEquals(r.code, 0, r.stderr);
    const body = JSON.parse(r.stdout);
    assertEquals(body.username, "locked_out");
    assertMatch(body.url, /^https:\/\/gafus\.example\/password-reset\/[A-Za-z0-9_-]{43}$/);
    const ttl = new Date(body.expiresAt).getTime() - Date.now();
    assert(ttl > 59 * 60_000 && ttl <= 60 * 60_000, `expires in about an hour: ${ttl}`);
    tokens.push(body.url.split("/").pop());
    assert(tokens[0] !== tokens[1], "every call issues a new link");
  });

  await t.step("the printed links work", async () => {
    configureLog({ level: "error" });
    const config = await loadConfig({ ...cli.env, LOG_LEVEL: "error" });
    const s = await openServices(config);
    try {
      for (const token of tokens) assertEquals(await inspectResetToken(s, token), "valid");
      assertEquals(await inspectResetToken(s, "x".repeat(43)), "unknown");
    } finally {
      await s.close();
    }
  });

  await t.step("unknown user: exit 1 with a message", async () => {
    const r = await cli.run("admin", "user:reset-link", "nobody_here");
    assertEquals(r.code, 1);
    assertStringIncludes(r.stderr, "no user 'nobody_here'");
    assertEquals(r.stdout, "");
  });

  await t.step("bad usage exits 2 and shows the usage", async () => {
    const none = await cli.run("admin", "user:reset-link");
    assertEquals(none.code, 2);
    assertStringIncludes(none.stderr, "USER is required");
    assertStringIncludes(none.stderr, "Usage: gafus admin user:reset-link USER [--json]");
    const two = await cli.run("admin", "user:reset-link", "a", "b");
    assertEquals(two.code, 2);
    assertStringIncludes(two.stderr, "unexpected argument 'b'");
    const opt = await cli.run("admin", "user:reset-link", "locked_out", "--bogus");
    assertEquals(opt.code, 2);
    assertStringIncludes(opt.stderr, "bogus");
  });

  await t.step("--help and the command list", async () => {
    const help = await cli.run("admin", "user:reset-link", "--help");
    assertEquals(help.code, 0);
    assertStringIncludes(help.stdout, "Usage: gafus admin user:reset-link USER [--json]");
    const list = await cli.run("admin", "--help");
    assertMatch(list.stdout, /admin user:reset-link\s+Issue a password reset link/);
  });
});
