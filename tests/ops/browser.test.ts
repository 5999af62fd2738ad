import { assert, assertEquals } from "../helpers/assert.ts";
import { openBrowserEnv } from "../helpers/browser.ts";
import { signIn } from "../helpers/session.ts";
import { listErrorGroups } from "@/core/error_tracking.ts";
import { SYSTEM } from "@/core/auth/guards.ts";
import { seedDemo } from "@/core/demo/seed.ts";
import type { TestApp } from "../helpers/app.ts";

async function until<T>(fn: () => Promise<T | undefined | null | false>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function clientGroups(t: TestApp) {
  return (await listErrorGroups(t.services, SYSTEM, { source: "client" })).groups;
}

Deno.test("browser: an uncaught error and an unhandled rejection on a page with islands are reported", async () => {
  await using env = await openBrowserEnv((t) =>
    seedDemo(t.services.db, { print: () => {} }).then(() => {})
  );
  await env.page.goto(`${env.origin}/courses`);
  await env.page.waitForFunction(() => document.querySelector("script[type=module]") !== null);
  await env.page.evaluate(() => {
    setTimeout(() => {
      throw new TypeError("island exploded on item 17");
    });
    Promise.reject(new RangeError("lost promise 3"));
  });
  const groups = await until(async () => {
    const g = await clientGroups(env.t);
    return g.length >= 2 && g;
  }, "two client error groups");
  const byType = Object.fromEntries(groups.map((g) => [g.type, g]));
  assertEquals(byType.TypeError.message, "island exploded on item 17");
  assertEquals(byType.RangeError.message, "lost promise 3");
  // The same error again is the same group (one report per page, though).
  await env.page.reload();
  await env.page.evaluate(() => {
    setTimeout(() => {
      throw new TypeError("island exploded on item 18");
    });
  });
  await until(async () => {
    const g = (await clientGroups(env.t)).find((x) => x.type === "TypeError");
    return g && g.count === 2;
  }, "the repeat to be counted in the same group");
  assertEquals((await clientGroups(env.t)).length, 2);
  // The page's own console saw the errors; the reporter itself logged nothing else.
  assert(env.consoleErrors.every((e) => /exploded|lost promise/.test(e)), env.consoleErrors.join());
});

Deno.test("browser: the queue table refreshes its counts without a reload", async () => {
  await using env = await openBrowserEnv();
  const admin = await signIn(env.t, "live_admin", "ADMIN");
  const [name, value] = admin.cookie.split("=");
  await env.page.context().addCookies([{ name, value, url: env.origin }]);
  await env.page.goto(`${env.origin}/ops/queues`);
  const cell = env.page.locator('tr[data-queue="ops-alert"] td[data-state="queued"]');
  assertEquals((await cell.innerText()).trim(), "0");
  await env.t.services.jobs.enqueue("ops-alert", { title: "live", message: "" });
  await env.t.services.jobs.enqueue("ops-alert", { title: "live 2", message: "" });
  await until(async () => (await cell.innerText()).trim() === "2", "the live count");
  // Pause works from the table without JavaScript tricks: a plain form post.
  await env.page.locator('tr[data-queue="ops-alert"] button').click();
  await env.page.waitForURL(/done=pause/);
  assertEquals(await env.t.services.jobs.isPaused("ops-alert"), true);
  assertEquals(env.consoleErrors, []);
});
