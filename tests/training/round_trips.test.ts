/**
 * A step completion on PostgreSQL costs three round trips inside its
 * transaction (core/training/context.ts `mutateStepAt`): BEGIN leaves with
 * the statement that finds and locks the step, the step's write with the
 * roll-up's read, and the roll-up's write with COMMIT. Each round trip is a
 * socket write and a wake-up on both sides; the bench counts what a
 * completion costs (bench/learn.ts).
 */
import { assertEquals } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { databaseUrlOf, testDatabaseUrl } from "../helpers/db.ts";
import { openDatabase } from "@/db/connection.ts";
import { countingProxy } from "@/bench/pg_count.ts";
import { completeStep } from "@/core/training/steps.ts";
import { makeCourse, openDayAs, refOf, stepRow } from "./helpers.ts";

Deno.test({
  name: "completing a step is three round trips on PostgreSQL: lookup and locks, write, commit",
  ignore: !testDatabaseUrl(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using t = await openTestApp();
    const c = await makeCourse(t, {
      days: [{ steps: Array.from({ length: 4 }, () => ({ type: "PRACTICE" as const })) }],
    });
    const learner = await signIn(t, "lena");
    const steps = await openDayAs(t, learner, c);
    const proxy = countingProxy(await databaseUrlOf(t.dbHandle));
    // One connection, so the counted statements are already prepared on it.
    const h = await openDatabase({ databaseUrl: proxy.url, dataDir: "", databasePoolMax: 1 });
    try {
      const s = { ...t.services, db: h.db };
      const user = { id: learner.id, role: learner.role };
      // postgres.js describes a statement on its first use on a connection (a
      // round trip of its own): the first two completions use every statement
      // the counted one does (the second's roll-up writes only the day).
      await completeStep(s, user, refOf(steps[0]));
      await completeStep(s, user, refOf(steps[1]));
      proxy.reset();
      const r = await completeStep(s, user, refOf(steps[2]));
      assertEquals(r.changed, true);
      assertEquals(r.rollup?.day.after, "IN_PROGRESS");
      assertEquals(
        proxy.batches(),
        [2, 1, 2],
        "BEGIN + lock, write + roll-up read, write + COMMIT",
      );
      assertEquals((await stepRow(t, steps[2])).status, "COMPLETED");
      // Completing it again reads and locks, changes nothing, and commits.
      proxy.reset();
      const again = await completeStep(s, user, refOf(steps[2]));
      assertEquals([again.changed, again.rollup], [false, null]);
      assertEquals(proxy.batches(), [2, 1]);
    } finally {
      await h.close();
      proxy.close();
    }
  },
});
