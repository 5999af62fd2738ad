/**
 * Offline benchmark: "keep this course offline" on the demo course
 * (`eto-baza`) in Chromium — from the click to "kept", through the island
 * and the service worker into Cache Storage — against the baseline of the
 * same URLs fetched with plain `fetch` from Deno (three at a time, as the
 * island does), both against one in-process app on loopback (PGlite).
 *
 * Reported: pages and files kept, bytes stored (trainer videos' lowest
 * rendition included, when the course has any), the time to keep (median of
 * three runs, the course removed between runs) and the baseline's time.
 *
 * Run alone: `deno task bench offline`.
 */
import { openTestApp } from "../tests/helpers/app.ts";
import { signIn } from "../tests/helpers/session.ts";
import { launchBrowser } from "../tests/helpers/browser.ts";
import { seedDemo } from "@/core/demo/seed.ts";
import { SESSION_COOKIE } from "@/http/session.ts";
import { coursePath, offlineBundlePath } from "@/core/paths.ts";
import type { OfflineBundle } from "@/core/offline/bundle.ts";
import { fmt } from "./lib.ts";

const SLUG = "eto-baza";
const RUNS = 3;

export interface OfflineBenchResult {
  pages: number;
  files: number;
  /** What the bundle announced before downloading (pages estimated). */
  announcedBytes: number;
  /** What the browser stored. */
  storedBytes: number;
  /** Trainer videos kept, and their bytes (part of both sizes). */
  videos: number;
  videoBytes: number;
  keepMs: number;
  baselineMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchOffline(): Promise<OfflineBenchResult> {
  await using t = await openTestApp();
  await seedDemo(t.services.db, { print: () => {} });
  const learner = await signIn(t, "bench_offline");
  await using server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, t.app.fetch);
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const headers = { cookie: learner.cookie };

  const bundle = await (await fetch(origin + offlineBundlePath(SLUG), { headers }))
    .json() as OfflineBundle;
  const baseline: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    const urls = [offlineBundlePath(SLUG), ...bundle.files.map((f) => f.url)];
    let next = 0;
    const worker = async () => {
      while (next < urls.length) {
        const res = await fetch(origin + urls[next++], { headers });
        await res.arrayBuffer();
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    baseline.push(performance.now() - t0);
  }

  const browser = await launchBrowser();
  const keep: number[] = [];
  let storedBytes = 0;
  try {
    const context = await browser.newContext({ locale: "ru-RU" });
    await context.addCookies([{
      name: SESSION_COOKIE,
      value: learner.cookie.slice(SESSION_COOKIE.length + 1),
      url: origin,
    }]);
    const page = await context.newPage();
    await page.goto(origin + coursePath(SLUG));
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
      timeout: 60_000,
    });
    const box = page.locator(".keep-offline");
    for (let run = 0; run < RUNS; run++) {
      await page.reload();
      const button = box.getByRole("button", { name: "Сохранить курс на устройстве" });
      await box.getByText("Займёт около").waitFor({ timeout: 60_000 });
      const t0 = performance.now();
      await button.click();
      await box.getByRole("button", { name: "Удалить с устройства" }).waitFor({ timeout: 120_000 });
      keep.push(performance.now() - t0);
      storedBytes = await page.evaluate(async (slug) => {
        const cache = await caches.open(`gafus-course-${slug}`);
        const res = await cache.match("/__gafus/version");
        return res ? (await res.json()).bytes as number : 0;
      }, SLUG);
      await box.getByRole("button", { name: "Удалить с устройства" }).click();
      await box.getByRole("button", { name: "Сохранить курс на устройстве" }).waitFor();
    }
  } finally {
    await browser.close();
  }
  const pages = bundle.files.filter((f) => f.kind === "page").length;
  return {
    pages,
    files: bundle.files.length - pages,
    announcedBytes: bundle.totalBytes,
    storedBytes,
    videos: bundle.videos,
    videoBytes: bundle.videoBytes,
    keepMs: median(keep),
    baselineMs: median(baseline),
  };
}

export function offlineReport(r: OfflineBenchResult): string[] {
  return [
    "## Offline: keeping the demo course",
    "",
    `Course \`${SLUG}\`: ${r.pages} pages and ${r.files} files (images, PDFs, posters); ` +
    `${r.videos} trainer videos kept (${
      fmt(r.videoBytes / 1024, 1)
    } KB of them, included below). Median of ${RUNS} runs, loopback, PGlite.`,
    "",
    "| measure | value | baseline | ratio |",
    "|---|---:|---:|---:|",
    `| size announced before (pages estimated) | ${fmt(r.announcedBytes / 1024, 1)} KB | | |`,
    `| size stored in Cache Storage | ${fmt(r.storedBytes / 1024, 1)} KB | | |`,
    `| time to keep (click → kept, Chromium) vs plain fetch of the same URLs | ${
      fmt(r.keepMs)
    } ms | ${fmt(r.baselineMs)} ms | ${fmt(r.keepMs / Math.max(1, r.baselineMs), 1)}× |`,
    "",
  ];
}
