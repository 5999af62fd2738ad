import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { cliEnv } from "../helpers/cli.ts";
import { acquireLock } from "@/platform/instance_lock.ts";

Deno.test("CLI: user:create and user:list, happy path and bad usage", async (t) => {
  await using cli = await cliEnv();

  await t.step("user:create creates a user", async () => {
    const r = await cli.run(
      "admin",
      "user:create",
      "--username",
      "Alice",
      "--password",
      "Secret123",
      "--role",
      "TRAINER",
    );
    assertEquals(r.code, 0, r.stderr);
    assertMatch(r.stdout, /Created TRAINER alice \([0-9a-f-]{36}\)/);
  });

  await t.step("user:list shows it, as a table and as JSON", async () => {
    const r = await cli.run("admin", "user:list");
    assertEquals(r.code, 0, r.stderr);
    assertMatch(r.stdout, /USERNAME\s+ROLE/);
    assertMatch(r.stdout, /alice\s+TRAINER/);
    const j = await cli.run("admin", "user:list", "--json", "--role", "TRAINER");
    const users = JSON.parse(j.stdout);
    assertEquals(users.map((u: { username: string }) => u.username), ["alice"]);
  });

  await t.step("a taken username fails with exit 1 and a neutral message", async () => {
    const r = await cli.run(
      "admin",
      "user:create",
      "--username",
      "alice",
      "--password",
      "Secret123",
    );
    assertEquals(r.code, 1);
    assertStringIncludes(r.stderr, "already taken");
  });

  await t.step("bad usage exits 2 and says what is wrong", async () => {
    const missing = await cli.run("admin", "user:create", "--username", "bob");
    assertEquals(missing.code, 2);
    assertStringIncludes(missing.stderr, "--password is required");
    assertStringIncludes(missing.stderr, "Usage: gafus admin user:create");

    const weak = await cli.run("admin", "user:create", "--username", "bo", "--password", "weak");
    assertEquals(weak.code, 2);
    assertStringIncludes(weak.stderr, "username: 3 to 32\u00a0characters");
    assertStringIncludes(weak.stderr, "password: 8 to 100\u00a0characters");

    const role = await cli.run(
      "admin",
      "user:create",
      "--username",
      "bob",
      "--password",
      "Secret123",
      "--role",
      "KING",
    );
    assertEquals(role.code, 2);
    assertStringIncludes(role.stderr, "--role must be one of");

    const unknown = await cli.run("admin", "user:list", "--bogus");
    assertEquals(unknown.code, 2);
    assertStringIncludes(unknown.stderr, "bogus");

    const cmd = await cli.run("admin", "user:nope");
    assertEquals(cmd.code, 2);
    assertStringIncludes(cmd.stderr, "Unknown command 'admin user:nope'");
  });

  await t.step("--help on every level", async () => {
    const top = await cli.run("--help");
    assertEquals(top.code, 0);
    assertStringIncludes(top.stdout, "serve");
    const admin = await cli.run("admin", "--help");
    assertEquals(admin.code, 0);
    assertStringIncludes(admin.stdout, "user:create");
    const one = await cli.run("admin", "user:list", "--help");
    assertEquals(one.code, 0);
    assertStringIncludes(one.stdout, "Usage: gafus admin user:list");
  });
});

Deno.test("CLI: migrate and seed --demo (passwords printed once, second run changes nothing)", async () => {
  await using cli = await cliEnv();
  const m = await cli.run("migrate");
  assertEquals(m.code, 0, m.stderr);
  assertStringIncludes(m.stdout, "up to date");

  const noFlag = await cli.run("seed");
  assertEquals(noFlag.code, 2);

  const first = await cli.run("seed", "--demo");
  assertEquals(first.code, 0, first.stderr);
  for (const name of ["admin", "trainer", "learner"]) assertStringIncludes(first.stdout, name);
  const second = await cli.run("admin", "seed", "--demo");
  assertEquals(second.code, 0, second.stderr);
  assertStringIncludes(second.stdout, "already there");
  assert(!second.stdout.includes("password"), "passwords are not printed again");
});

Deno.test("CLI: a server that holds DATA_DIR without an admin channel (yet) is not gone around", async () => {
  await using cli = await cliEnv();
  // This test process holds the directory as a server that has no admin channel yet.
  const release = await acquireLock(cli.env.DATA_DIR, { kind: "server" });
  const r = await cli.run("admin", "user:list").finally(release);
  if (cli.env.DATABASE_URL) {
    // PostgreSQL (and the KV file) can be shared: the command runs directly.
    assertEquals(r.code, 0, r.stderr);
    return;
  }
  // The embedded database serves one process: say who holds it.
  assertEquals(r.code, 1);
  assertStringIncludes(r.stderr, `in use by a running Gafus server (pid ${Deno.pid})`);
});
