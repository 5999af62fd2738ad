/**
 * Offline timers keep their real times within the server's tolerance rules
 * (core/offline/client_time.ts): a start made offline starts the timer when
 * it happened; a start and a completion replayed later complete the step; a
 * time too far in the future, older than a day or before the step's
 * previous action is clamped and the answer says so.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { type Session, signIn } from "../helpers/session.ts";
import { makeCourse, openDayAs, stepApi, stepRow } from "../training/helpers.ts";
import { applyClientTime, CLOCK_SKEW_MS, MAX_AGE_MS } from "@/core/offline/client_time.ts";

function send(who: Session, path: string, body: unknown, sentAt?: Date) {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "idempotency-key": crypto.randomUUID(),
  };
  if (sentAt) headers["x-client-sent-at"] = sentAt.toISOString();
  return who.fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
}

const MIN = 60_000;

Deno.test("client time rules: skew corrected, future and age clamped, order kept", () => {
  const now = new Date("2026-06-01T12:00:00Z");
  const ago = (ms: number) => new Date(now.getTime() - ms);
  assertEquals(applyClientTime({ at: ago(5 * MIN) }, now, null).applied, ago(5 * MIN));
  assertEquals(applyClientTime({ at: ago(5 * MIN) }, now, null).clamped, null);
  // A phone 10 minutes fast: its clock at sending says so.
  const fast = applyClientTime(
    { at: new Date(now.getTime() + 5 * MIN), sentAt: new Date(now.getTime() + 10 * MIN) },
    now,
    null,
  );
  assertEquals(fast.applied, ago(5 * MIN));
  assertEquals(fast.clamped, null);
  // Slightly ahead: now, quietly; far ahead: now, reported.
  const near = applyClientTime({ at: new Date(now.getTime() + CLOCK_SKEW_MS - 1) }, now, null);
  assertEquals([near.applied, near.clamped], [now, null]);
  const far = applyClientTime({ at: new Date(now.getTime() + CLOCK_SKEW_MS + 1) }, now, null);
  assertEquals([far.applied, far.clamped], [now, "future"]);
  const old = applyClientTime({ at: ago(3 * MAX_AGE_MS) }, now, null);
  assertEquals([old.applied, old.clamped], [ago(MAX_AGE_MS), "too_old"]);
  const before = applyClientTime({ at: ago(10 * MIN) }, now, ago(4 * MIN));
  assertEquals([before.applied, before.clamped], [ago(4 * MIN), "before_previous"]);
});

Deno.test("offline: a timer started offline keeps its start time", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, { days: [{ steps: [{ type: "TRAINING", durationSec: 600 }] }] });
  const ann = await signIn(t, "ann");
  const [timer] = await openDayAs(t, ann, c);
  const at = new Date(Date.now() - 3 * MIN);
  const res = await send(ann, stepApi(timer, "start"), { at: at.toISOString() }, new Date());
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals(body.clock.clamped, null);
  const row = await stepRow(t, timer);
  assert(Math.abs(row.timer_started_at!.getTime() - at.getTime()) < 1000, "started when it was");
  assert(Math.abs(row.timer_ends_at!.getTime() - (at.getTime() + 600_000)) < 1000);
  assert(body.step.remainingMs <= 7 * MIN + 1000, "three minutes already ran");

  // Paused offline a minute later: the time left counts from the real pause.
  const pausedAt = new Date(at.getTime() + MIN);
  const paused = await send(ann, stepApi(timer, "pause"), { at: pausedAt.toISOString() });
  // (Give or take the second that the skew correction may add.)
  const left = (await paused.json()).step.remainingMs;
  assert(left >= 9 * MIN && left <= 9 * MIN + 1000, `${left}`);
  const after = await stepRow(t, timer);
  assert(after.active_seconds >= 59 && after.active_seconds <= 60);
});

Deno.test("offline: a start and a completion replayed later complete the step at its end", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, { days: [{ steps: [{ type: "TRAINING", durationSec: 120 }] }] });
  const ann = await signIn(t, "ann");
  const [timer] = await openDayAs(t, ann, c);
  const start = new Date(Date.now() - 30 * MIN);
  const end = new Date(start.getTime() + 120_000);
  assertEquals((await send(ann, stepApi(timer, "start"), { at: start.toISOString() })).status, 200);
  const done = await send(ann, stepApi(timer, "complete"), { at: end.toISOString() });
  assertEquals(done.status, 200, "not too early: it ended offline");
  const row = await stepRow(t, timer);
  assertEquals(row.status, "COMPLETED");
  assertEquals(row.completed_at?.getTime(), end.getTime());
  assertEquals(row.active_seconds, 120);
});

Deno.test("offline: times outside the tolerance are clamped and the answer says so", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, {
    days: [{
      steps: [
        { type: "TRAINING", durationSec: 600 },
        { type: "TRAINING", durationSec: 600 },
        { type: "PRACTICE" },
      ],
    }],
  });
  const ann = await signIn(t, "ann");
  const [a, b, practice] = await openDayAs(t, ann, c);

  // An hour in the future (a wrong clock, no sending time): started now.
  const future = await send(ann, stepApi(a, "start"), {
    at: new Date(Date.now() + 60 * MIN).toISOString(),
  });
  const fb = await future.json();
  assertEquals(fb.clock.clamped, "future");
  const row = await stepRow(t, a);
  assert(Math.abs(row.timer_started_at!.getTime() - Date.now()) < 5000);

  // A pause claimed before the start: at the start, never backwards.
  const back = await send(ann, stepApi(a, "pause"), {
    at: new Date(row.timer_started_at!.getTime() - 5 * MIN).toISOString(),
  });
  const bb = await back.json();
  assertEquals(bb.clock.clamped, "before_previous");
  assertEquals(bb.step.remainingMs, 600_000, "no time ran");

  // Three days old: taken as a day ago.
  const old = await send(ann, stepApi(b, "start"), {
    at: new Date(Date.now() - 3 * 24 * 60 * MIN).toISOString(),
  });
  const ob = await old.json();
  assertEquals(ob.clock.clamped, "too_old");
  assert(Math.abs(new Date(ob.clock.applied).getTime() - (Date.now() - MAX_AGE_MS)) < 5000);

  // Without `at`, as before: server time, no clock in the answer.
  const plain = await send(ann, stepApi(practice, "complete"), {});
  assertEquals((await plain.json()).clock, undefined);
});
