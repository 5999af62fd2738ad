/**
 * `services.jobs.enqueue` is typed by the job registry (queues/jobs/mod.ts):
 * a job name that is not registered, or a payload its schema does not
 * accept, does not compile. Each `@ts-expect-error` below fails type-checking
 * (`deno check`, `deno test`) the day that call compiles. The same calls are
 * also refused at run time, as is anything sent through `enqueueUnchecked`,
 * the path for names and payloads that arrive as data.
 */
import { assertEquals, assertMatch, assertRejects } from "../helpers/assert.ts";
import { createJobs } from "@/queues/mod.ts";
import type { JobMap } from "@/queues/jobs/mod.ts";
import { InvalidJobPayloadError, UnknownJobError } from "@/queues/types.ts";
import type { Services } from "@/core/services.ts";
import { newId } from "@/platform/ids.ts";
import { configureLog } from "@/platform/log.ts";
import { createPgJobs } from "@/queues/pg/mod.ts";
import { openTestDb } from "../helpers/db.ts";
import { type Backend, backendTest, urlOf } from "./helpers.ts";

async function registryJobs(backend: Backend) {
  configureLog({ level: "error" });
  if (backend === "postgres") {
    const h = await openTestDb({ kind: "postgres" });
    // The type core/ sees: the interface in core/services.ts, not the runtime class.
    const jobs: Services["jobs"] = createPgJobs(h.db, await urlOf(h), () => ({}) as Services);
    return {
      jobs,
      [Symbol.asyncDispose]: async () => {
        await jobs.stop();
        await h[Symbol.asyncDispose]();
      },
    };
  }
  const kv = await Deno.openKv(":memory:");
  const jobs: Services["jobs"] = createJobs(kv, () => ({}) as Services);
  return {
    jobs,
    [Symbol.asyncDispose]: async () => {
      await jobs.stop();
      kv.close();
    },
  };
}

Deno.test("the job map lists every registered job by the name stored in KV", () => {
  const names: Record<keyof JobMap, true> = {
    "maintenance": true,
    "ops-alert": true,
    "jobs-sweep": true,
    "push": true,
    "step-finished": true,
    "exam-video-preview": true,
    "exam-cleanup": true,
    "video-transcode": true,
    "telegram": true,
    "email": true,
    "reminders": true,
    "reengagement": true,
    "ready-check": true,
    "broadcast": true,
  };
  assertEquals(Object.keys(names).length, 14);
});

backendTest(
  "enqueue with an unknown job name does not compile, and is refused at run time",
  async (backend) => {
    await using t = await registryJobs(backend);
    await assertRejects(
      () =>
        // @ts-expect-error "no-such-job" is not in queues/jobs/mod.ts
        t.jobs.enqueue("no-such-job", {}),
      UnknownJobError,
    );
    await assertRejects(
      () =>
        // @ts-expect-error job names are kebab-case strings, not file names
        t.jobs.enqueue("step_finished", { userStepId: newId() }),
      UnknownJobError,
    );
  },
);

backendTest(
  "enqueue with a payload of the wrong shape does not compile, and is refused at run time",
  async (backend) => {
    await using t = await registryJobs(backend);
    await assertRejects(
      () =>
        // @ts-expect-error userStepId is a string id, not a number
        t.jobs.enqueue("step-finished", { userStepId: 42 }),
      InvalidJobPayloadError,
    );
    await assertRejects(
      () =>
        // @ts-expect-error a push job needs subscriptionId, ttlSec and urgency
        t.jobs.enqueue("push", { notificationId: newId() }),
      InvalidJobPayloadError,
    );
    await assertRejects(
      () =>
        // @ts-expect-error "panic" is not an alert level
        t.jobs.enqueue("ops-alert", { level: "panic", title: "disk full" }),
      InvalidJobPayloadError,
    );
    await assertRejects(
      () =>
        // @ts-expect-error the payload of another job
        t.jobs.enqueue("maintenance", { userStepId: newId() }),
      InvalidJobPayloadError,
    );
  },
);

backendTest(
  "enqueue with the right payload compiles (fields with defaults may be left out) and stores the job",
  async (backend) => {
    await using t = await registryJobs(backend);
    const ids = [
      await t.jobs.enqueue("maintenance", {}),
      await t.jobs.enqueue("ops-alert", { title: "disk full" }),
      await t.jobs.enqueue("step-finished", { userStepId: newId() }, { delay: 60_000 }),
    ];
    const stored = await Promise.all(ids.map((id) => t.jobs.get(id)));
    assertEquals(stored.map((j) => j?.name), ["maintenance", "ops-alert", "step-finished"]);
  },
);

backendTest(
  "enqueueUnchecked takes any name and payload at compile time and checks them at run time",
  async (backend) => {
    await using t = await registryJobs(backend);
    const name: string = "no-such-job";
    const unknown = await assertRejects(() => t.jobs.enqueueUnchecked(name, {}), UnknownJobError);
    assertMatch(unknown.message, /Unknown job "no-such-job"/);
    const payload: unknown = JSON.parse('{"userStepId": 42}');
    const bad = await assertRejects(
      () => t.jobs.enqueueUnchecked("step-finished", payload),
      InvalidJobPayloadError,
    );
    assertMatch(bad.message, /Invalid payload for job "step-finished": userStepId/);
    const id = await t.jobs.enqueueUnchecked("maintenance", JSON.parse("{}"));
    assertEquals((await t.jobs.get(id))?.state, "queued");
  },
);
