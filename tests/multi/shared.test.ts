/**
 * Two app processes on one PostgreSQL database with `JOBS_BACKEND=postgres`,
 * as behind a load balancer that sends one browser's requests to either:
 * what one instance counts, revokes or changes, the other honours at once.
 * (With the default KV backend each instance keeps its own rate limits and
 * revocations: these tests are what the shared store buys.)
 */
import { assertEquals } from "../helpers/assert.ts";
import { type Cluster, instancesAvailable, startInstances } from "../helpers/instances.ts";
import { loadConfig } from "@/platform/config.ts";
import { openServices } from "@/services.ts";
import { createUser } from "@/core/users.ts";
import type { Role } from "@/db/schema.ts";
import { opsUserPath } from "@/core/paths.ts";
import { configureLog } from "@/platform/log.ts";

const PASSWORD = "Secret123";

/** One browser: a cookie jar and the CSRF token, sent to whichever instance. */
class Browser {
  readonly cookies = new Map<string, string>();
  csrf = "";

  async fetch(origin: string, path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) {
      headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    }
    if (this.csrf && init.method && init.method !== "GET") headers.set("x-csrf-token", this.csrf);
    const res = await fetch(origin + path, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "" || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Who the instance at `origin` takes this browser for (null: nobody); takes the CSRF token. */
  async whoAmI(origin: string): Promise<{ username: string; role: Role } | null> {
    const res = await this.fetch(origin, "/api/v1/auth/session");
    assertEquals(res.status, 200);
    const body = await res.json();
    this.csrf = body.csrf;
    return body.user ? { username: body.user.username, role: body.user.role } : null;
  }

  async login(origin: string, login: string, password = PASSWORD): Promise<Response> {
    if (!this.csrf) await this.whoAmI(origin);
    const res = await this.fetch(origin, "/api/v1/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login, password }),
    });
    if (res.status === 200) this.csrf = (await res.clone().json()).csrf;
    return res;
  }

  async status(res: Response | Promise<Response>): Promise<number> {
    const r = await res;
    await r.body?.cancel();
    return r.status;
  }
}

/** Creates users straight in the shared database (a third process, as the admin CLI would). */
async function createUsers(
  cluster: Cluster,
  users: Record<string, Role>,
): Promise<Record<string, string>> {
  configureLog({ level: "error" });
  const dataDir = await Deno.makeTempDir({ prefix: "gafus-multi-" });
  const config = await loadConfig({ ...cluster.env, DATA_DIR: dataDir, LOG_REQUESTS: "false" });
  const s = await openServices(config, { migrate: false });
  const ids: Record<string, string> = {};
  try {
    for (const [username, role] of Object.entries(users)) {
      ids[username] = (await createUser(s, { username, password: PASSWORD, role })).id;
    }
  } finally {
    await s.close();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
  return ids;
}

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `multi (shared state): ${name}`, ignore: !instancesAvailable(), fn });

test("failed logins on both instances count toward one limit", async () => {
  await using cluster = await startInstances(2, { JOBS_BACKEND: "postgres" });
  const [a, b] = cluster.instances.map((i) => i.origin);
  const browser = new Browser();
  // 10 failures per account in 15 minutes: five on each instance reach it together.
  for (let i = 0; i < 10; i++) {
    const status = await browser.status(browser.login(i % 2 ? b : a, "no_such_user", "Wrong1234"));
    assertEquals(status, 401, `attempt ${i + 1}`);
  }
  assertEquals(await browser.status(browser.login(a, "no_such_user", "Wrong1234")), 429);
  assertEquals(await browser.status(browser.login(b, "no_such_user", "Wrong1234")), 429);
  const rows = await cluster.sql`SELECT key FROM shared_kv WHERE key LIKE '%login-fail-account%'`;
  assertEquals(rows.length, 1, "one counter in the shared table");
});

test("a logout on one instance is refused by the other at once (the same cookie)", async () => {
  await using cluster = await startInstances(2, { JOBS_BACKEND: "postgres" });
  const [a, b] = cluster.instances.map((i) => i.origin);
  await createUsers(cluster, { leaving_learner: "USER" });
  const browser = new Browser();
  assertEquals(await browser.status(browser.login(a, "leaving_learner")), 200);
  assertEquals((await browser.whoAmI(b))?.username, "leaving_learner", "B accepts A's session");
  const copy = new Map(browser.cookies);

  assertEquals(
    await browser.status(browser.fetch(a, "/api/v1/auth/logout", { method: "POST" })),
    200,
  );
  // A copy of the cookie (another tab, a stolen one) is refused by both instances.
  const stolen = new Browser();
  for (const [k, v] of copy) stolen.cookies.set(k, v);
  assertEquals(await stolen.whoAmI(b), null);
  assertEquals(await stolen.whoAmI(a), null);
});

test("a role change or a disable on one instance is honoured by the other at once", async () => {
  await using cluster = await startInstances(2, { JOBS_BACKEND: "postgres" });
  const [a, b] = cluster.instances.map((i) => i.origin);
  const ids = await createUsers(cluster, { chief_admin: "ADMIN", rising_learner: "USER" });
  const admin = new Browser();
  assertEquals(await admin.status(admin.login(a, "chief_admin")), 200);
  const learner = new Browser();
  assertEquals(await learner.status(learner.login(b, "rising_learner")), 200);
  assertEquals(await learner.status(learner.fetch(b, "/studio")), 403, "a learner has no studio");

  const form = (fields: Record<string, string>) => ({
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...fields, _csrf: admin.csrf }),
  });
  const changed = await admin.fetch(
    a,
    opsUserPath(ids.rising_learner),
    form({ _action: "role", role: "TRAINER" }),
  );
  assertEquals(changed.status, 303);
  await changed.body?.cancel();

  // The session issued for the old role ends on B too; signing in again gives the new role.
  assertEquals(await learner.whoAmI(b), null);
  assertEquals(await learner.status(learner.login(b, "rising_learner")), 200);
  assertEquals((await learner.whoAmI(b))?.role, "TRAINER");
  assertEquals(await learner.status(learner.fetch(b, "/studio")), 200);

  const disabled = await admin.fetch(
    a,
    opsUserPath(ids.rising_learner),
    form({ _action: "disable" }),
  );
  assertEquals(disabled.status, 303);
  await disabled.body?.cancel();
  assertEquals(await learner.whoAmI(b), null, "a disabled account's session ends everywhere");
  assertEquals(await learner.status(learner.login(b, "rising_learner")), 403);
});
