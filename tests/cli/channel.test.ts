/**
 * `gafus admin …` while a server runs: the real server in a subprocess on a
 * temporary DATA_DIR (PGlite, or PostgreSQL when DATABASE_URL is set), and
 * the real CLI reaching it through the admin channel.
 */
import { QUEUE_NAMES } from "@/queues/define.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { cliEnv, startServerProcess } from "../helpers/cli.ts";
import { openTestApp } from "../helpers/app.ts";
import { channelHandler, TOKEN_FILE } from "@/cli/channel.ts";
import { runAdmin } from "@/cli/admin.ts";

Deno.test("the CLI works while a server runs: commands run inside the server, exports land here", async () => {
  await using cli = await cliEnv();
  const server = await startServerProcess(cli);
  try {
    const lock = JSON.parse(await Deno.readTextFile(`${cli.env.DATA_DIR}/server.lock`));
    assert(lock.adminPort > 0, "the lock names the admin channel");
    const token = await Deno.stat(`${cli.env.DATA_DIR}/${TOKEN_FILE}`);
    assertEquals(token.mode! & 0o777, 0o600, "the token is readable by its owner only");

    const created = await cli.run(
      "admin",
      "user:create",
      "--username",
      "via_server",
      "--password",
      "Secret123",
      "--role",
      "MODERATOR",
    );
    assertEquals(created.code, 0, created.stderr);
    assertStringIncludes(created.stdout, "Created MODERATOR via_server");

    const list = await cli.run("admin", "user:list", "--json");
    assertEquals(list.code, 0, list.stderr);
    const names = JSON.parse(list.stdout).map((u: { username: string }) => u.username);
    assert(names.includes("via_server"), "the server's database has the new user");
    // Both ran in the server process: its log names them (without the arguments).
    // The log is written in batches: wait for the line.
    for (let i = 0; i < 100 && !server.log().includes(`"command":"user:list"`); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const log = server.log();
    assertStringIncludes(log, `"msg":"admin command","command":"user:create"`);
    assertStringIncludes(log, `"msg":"admin command","command":"user:list"`);
    assert(!log.includes("Secret123"), "arguments (passwords) are not logged");

    // Bad usage and failures keep their exit codes across the channel.
    const bad = await cli.run("admin", "user:role", "via_server", "--role", "KING");
    assertEquals(bad.code, 2);
    assertStringIncludes(bad.stderr, "--role must be one of");
    const taken = await cli.run(
      "admin",
      "user:create",
      "--username",
      "via_server",
      "--password",
      "Secret123",
    );
    assertEquals(taken.code, 1);
    assertStringIncludes(taken.stderr, "already taken");

    // Jobs live in the server's KV: the queue commands see them.
    const stats = await cli.run("admin", "queue:stats", "--json");
    assertEquals(stats.code, 0, stats.stderr);
    assertEquals(JSON.parse(stats.stdout).queues.length, QUEUE_NAMES.length);

    // An export is written on the CLI's side, in its working directory.
    const out = `${cli.env.DATA_DIR}/../gafus-export-${crypto.randomUUID()}.csv`;
    const exp = await cli.run("admin", "export:users", "--out", out);
    try {
      assertEquals(exp.code, 0, exp.stderr);
      assertEquals(exp.stdout, "");
      assertStringIncludes(exp.stderr, "Wrote 1 user(s)");
      assert(!exp.stderr.includes("["), "no progress bar when stderr is not a terminal");
      const csv = await Deno.readTextFile(out);
      assertStringIncludes(csv, ",via_server,");
      assertEquals((await Deno.stat(out)).mode! & 0o777, 0o600);
    } finally {
      await Deno.remove(out).catch(() => {});
    }

    // migrate goes through the server too (the embedded database has one opener).
    const migrate = await cli.run("migrate");
    assertEquals(migrate.code, 0, migrate.stderr);
    assertStringIncludes(migrate.stdout, "up to date");
  } finally {
    assertEquals(await server.stop(), 0);
  }
  // A stopped server takes its lock and token with it; the CLI then opens the data itself.
  await assertMissing(`${cli.env.DATA_DIR}/server.lock`);
  await assertMissing(`${cli.env.DATA_DIR}/${TOKEN_FILE}`);
  const direct = await cli.run("admin", "user:show", "via_server", "--json");
  assertEquals(direct.code, 0, direct.stderr);
  assertEquals(JSON.parse(direct.stdout).role, "MODERATOR");
});

async function assertMissing(path: string) {
  try {
    await Deno.stat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return;
    throw err;
  }
  throw new Error(`${path} should be gone`);
}

Deno.test("the admin channel refuses a wrong or missing token", async () => {
  await using cli = await cliEnv();
  await using server = await startServerProcess(cli);
  const lock = JSON.parse(await Deno.readTextFile(`${cli.env.DATA_DIR}/server.lock`));
  const token = (await Deno.readTextFile(`${cli.env.DATA_DIR}/${TOKEN_FILE}`)).trim();
  const url = `http://127.0.0.1:${lock.adminPort}/v1/run`;
  const send = (auth?: string) =>
    fetch(url, {
      method: "POST",
      headers: auth ? { authorization: auth } : {},
      body: JSON.stringify({
        argv: ["user:create", "--username", "intruder", "--password", "Secret123"],
      }),
    });
  for (const auth of [undefined, "Bearer wrong", `Bearer ${token}x`, `Basic ${token}`]) {
    const res = await send(auth);
    assertEquals(res.status, 401, String(auth));
    await res.body?.cancel();
  }
  const list = await cli.run("admin", "user:list", "--json");
  assertEquals(JSON.parse(list.stdout), [], "nothing ran");
  // The right token works (the CLI's own path).
  const ok = await send(`Bearer ${token}`);
  assertEquals(ok.status, 200);
  const events = (await ok.text()).trim().split("\n").map((l) => JSON.parse(l));
  assertEquals(events.at(-1), { t: "exit", code: 0 });
  // Warnings are written at once.
  assertStringIncludes(server.log(), "refused a wrong token");
});

Deno.test("the admin channel refuses peers that are not on the loopback interface", async () => {
  await using t = await openTestApp();
  const handler = channelHandler("s3cret-token", (argv, io) => runAdmin(argv, io), t.services);
  const req = () =>
    new Request("http://127.0.0.1:1/v1/run", {
      method: "POST",
      headers: { authorization: "Bearer s3cret-token" },
      body: JSON.stringify({ argv: ["user:list", "--json"] }),
    });
  const tcp = (hostname: string): Deno.NetAddr => ({ transport: "tcp", hostname, port: 40000 });
  for (const peer of ["10.0.0.5", "192.168.1.20", "2001:db8::1", "0.0.0.0"]) {
    const res = await handler(req(), { remoteAddr: tcp(peer) });
    assertEquals(res.status, 403, peer);
  }
  for (const peer of ["127.0.0.1", "::1"]) {
    const res = await handler(req(), { remoteAddr: tcp(peer) });
    assertEquals(res.status, 200, peer);
    const events = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
    assertEquals(events[0], { t: "out", d: "[]" });
    assertEquals(events.at(-1), { t: "exit", code: 0 });
  }
  // Malformed requests from the loopback with the right token.
  const bad = await handler(
    new Request("http://127.0.0.1:1/v1/run", {
      method: "POST",
      headers: { authorization: "Bearer s3cret-token" },
      body: JSON.stringify({ argv: "user:list" }),
    }),
    { remoteAddr: tcp("127.0.0.1") },
  );
  assertEquals(bad.status, 400);
});
