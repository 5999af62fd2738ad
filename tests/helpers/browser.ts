/**
 * Browser tests: Debian's Chromium driven by playwright-core, against the
 * app served on a loopback port. Console errors and failed requests are
 * collected so a test can assert the page ran cleanly.
 */
import { type Browser, chromium, type Page } from "playwright-core";
import { openTestApp, type TestApp } from "./app.ts";

export const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";

export interface BrowserEnv {
  t: TestApp;
  origin: string;
  browser: Browser;
  page: Page;
  consoleErrors: string[];
  [Symbol.asyncDispose](): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

/** A test app served over HTTP plus a fresh browser page on it. */
export async function openBrowserEnv(setup?: (t: TestApp) => Promise<void>): Promise<BrowserEnv> {
  const t = await openTestApp();
  if (setup) await setup(t);
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, t.app.fetch);
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const browser = await launchBrowser();
  const context = await browser.newContext({ locale: "ru-RU" });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  return {
    t,
    origin,
    browser,
    page,
    consoleErrors,
    async [Symbol.asyncDispose]() {
      await browser.close();
      await server.shutdown();
      await t.close();
    },
  };
}

/**
 * Polls `check(arg)` in the page until it answers true. For async checks
 * (Cache Storage, IndexedDB) use this, not `page.waitForFunction`: that takes
 * the Promise an async predicate returns for a truthy answer and resolves at
 * once, so such a wait waits for nothing (microsoft/playwright#29132).
 */
export async function waitInPage<A>(
  page: Page,
  check: (arg: A) => Promise<boolean>,
  arg: A,
  timeoutMs = 30_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  // Plain data only crosses into the page: evaluate's own typing of it adds nothing here.
  const inPage = check as (arg: unknown) => Promise<boolean>;
  while (!(await page.evaluate(inPage, arg as unknown))) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms: ${check}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
