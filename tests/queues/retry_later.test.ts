/**
 * A handler may name its own retry delay (`RetryLaterError`, e.g. Telegram's
 * 429 `retry_after`) instead of the next interval of its schedule; it still
 * counts as an attempt.
 */
import { z } from "zod";
import { assert, assertEquals } from "../helpers/assert.ts";
import { defineJob, RetryLaterError } from "@/queues/define.ts";
import { backendTest, openBackend, until } from "./helpers.ts";

backendTest(
  "RetryLaterError retries after the delay it names, not the schedule's",
  async (backend) => {
    const runs: number[] = [];
    const job = defineJob({
      name: "limited",
      queue: "telegram",
      schema: z.object({}),
      // The schedule would wait 10 minutes: the handler's 700 ms must win.
      retry: [600_000, 600_000],
      handler: () => {
        runs.push(Date.now());
        if (runs.length === 1) throw new RetryLaterError(700, "429: retry after 0.7 s");
        return Promise.resolve("sent");
      },
    });
    await using t = await openBackend(backend, [job]);
    const id = await t.rt.enqueue("limited", {});
    await until(async () => (await t.rt.get(id))?.state === "delayed", 3_000, "the retry");
    const mid = (await t.rt.get(id))!;
    assertEquals(mid.nextRetryAt!.getTime() - mid.lastError!.at.getTime(), 700);
    assertEquals(mid.lastError!.message, "429: retry after 0.7 s");
    await until(async () => (await t.rt.get(id))?.state === "done", 5_000, "done");
    const done = (await t.rt.get(id))!;
    assertEquals([done.attempts, done.failures], [2, 1]);
    assert(runs[1] - runs[0] >= 690, `waited ${runs[1] - runs[0]} ms`);
  },
);

backendTest("RetryLaterError still uses up the attempts of the schedule", async (backend) => {
  let calls = 0;
  const job = defineJob({
    name: "always-limited",
    queue: "telegram",
    schema: z.object({}),
    retry: [10],
    handler: () => {
      calls++;
      throw new RetryLaterError(20, "429");
    },
  });
  await using t = await openBackend(backend, [job]);
  const id = await t.rt.enqueue("always-limited", {});
  await until(async () => (await t.rt.get(id))?.state === "failed", 5_000, "failed");
  assertEquals(calls, 2);
});

backendTest(
  "a postponed job (RetryLaterError with postpone) does not use up its schedule",
  async (backend) => {
    let calls = 0;
    const job = defineJob({
      name: "postponed",
      queue: "telegram",
      schema: z.object({}),
      // No retry at all: only postponements may bring it back.
      retry: [],
      handler: () => {
        calls++;
        if (calls <= 3) throw new RetryLaterError(20, "busy", { postpone: true });
        return Promise.resolve("sent");
      },
    });
    await using t = await openBackend(backend, [job]);
    const id = await t.rt.enqueue("postponed", {});
    await until(async () => (await t.rt.get(id))?.state === "done", 5_000, "done");
    const done = (await t.rt.get(id))!;
    assertEquals([calls, done.attempts, done.failures], [4, 4, 0]);
  },
);
