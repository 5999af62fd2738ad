/**
 * Stopping an instance never waits without end on one step (platform/bounded.ts):
 * a step that hangs is left behind with a warning naming it; one that ends
 * in time is waited for.
 */
import { assertEquals } from "@/tests/helpers/assert.ts";
import { configureLog, flushLog } from "@/platform/log.ts";
import { bounded } from "@/platform/bounded.ts";

Deno.test("a shutdown step that never ends is left behind after its time, with a warning", async () => {
  const lines: string[] = [];
  configureLog({ level: "debug", sink: (line) => lines.push(line) });
  try {
    const started = performance.now();
    const done = await bounded("jobs: engine pool", new Promise(() => {}), 50);
    const waited = performance.now() - started;
    assertEquals(done, false);
    assertEquals(waited >= 45 && waited < 1000, true, `waited ${waited} ms`);
    flushLog();
    const warning = lines.map((l) => JSON.parse(l)).find((l) => l.level === "warn");
    assertEquals(warning?.what, "jobs: engine pool");
  } finally {
    configureLog({ level: "error", sink: null });
    flushLog();
  }
});

Deno.test("a shutdown step that ends in time is waited for, and no warning is logged", async () => {
  const lines: string[] = [];
  configureLog({ level: "debug", sink: (line) => lines.push(line) });
  try {
    let finished = false;
    const step = new Promise<void>((r) => setTimeout(() => (finished = true, r()), 20));
    assertEquals(await bounded("jobs: start", step, 5_000), true);
    assertEquals(finished, true);
    flushLog();
    assertEquals(lines.filter((l) => JSON.parse(l).level === "warn"), []);
  } finally {
    configureLog({ level: "error", sink: null });
    flushLog();
  }
});
