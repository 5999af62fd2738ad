/**
 * The server side of offline actions: an `Idempotency-Key` makes a replayed
 * action a no-op with the same answer; a key reused for another request is
 * refused; keys are per user; a step completed from two devices is completed
 * once; a diary entry sent twice is saved once; old keys are pruned.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { type Session, signIn } from "../helpers/session.ts";
import { dayStatus, makeCourse, openDayAs, stepApi, stepRow } from "../training/helpers.ts";
import {
  claimKey,
  pruneIdempotencyKeys,
  releaseKey,
  STALE_CLAIM_MS,
  storeAnswer,
} from "@/core/offline/idempotency.ts";
import { AppError } from "@/core/app_error.ts";

function send(who: Session, path: string, body: unknown, key?: string) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key) headers["idempotency-key"] = key;
  return who.fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
}

const DAY = { steps: [{ type: "PRACTICE" as const }, { type: "DIARY" as const }] };

Deno.test("offline: the same action replayed twice has one effect and the same answer", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, { days: [DAY, DAY] });
  const ann = await signIn(t, "ann");
  const [practice] = await openDayAs(t, ann, c);
  const key = crypto.randomUUID();

  const first = await send(ann, stepApi(practice, "complete"), {}, key);
  assertEquals(first.status, 200);
  const firstBody = await first.json();
  assertEquals(firstBody.step.status, "COMPLETED");
  const completedAt = (await stepRow(t, practice)).completed_at;

  const again = await send(ann, stepApi(practice, "complete"), {}, key);
  assertEquals(again.status, 200);
  assertEquals(again.headers.get("idempotency-replayed"), "true");
  assertEquals(await again.json(), firstBody, "the stored answer, byte for byte");
  assertEquals((await stepRow(t, practice)).completed_at, completedAt, "nothing changed");
  const keys = await t.services.db.selectFrom("idempotency_keys").selectAll().execute();
  assertEquals(keys.length, 1);
  assertEquals(keys[0].status, 200);

  // Undo, then replay the old completion: still the stored answer, the step stays reset.
  const undo = await send(ann, stepApi(practice, "reset"), {}, crypto.randomUUID());
  assertEquals((await undo.json()).step.status, "RESET");
  const late = await send(ann, stepApi(practice, "complete"), {}, key);
  assertEquals((await late.json()).step.status, "COMPLETED", "the answer it had");
  assertEquals((await stepRow(t, practice)).status, "RESET", "and no new effect");
});

Deno.test("offline: a key reused with another body is refused with 422", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, { days: [DAY] });
  const ann = await signIn(t, "ann");
  const [, diary] = await openDayAs(t, ann, c);
  const key = crypto.randomUUID();
  assertEquals((await send(ann, stepApi(diary, "diary"), { content: "Первая" }, key)).status, 200);
  const other = await send(ann, stepApi(diary, "diary"), { content: "Другая" }, key);
  assertEquals(other.status, 422);
  assertEquals((await other.json()).error, "idempotency_key_reused");
  // The same key on another step is another request too.
  const elsewhere = await send(ann, stepApi(diary, "complete"), {}, key);
  assertEquals(elsewhere.status, 422);
  const entry = await t.services.db.selectFrom("diary_entries").select("content")
    .executeTakeFirstOrThrow();
  assertEquals(entry.content, "Первая");
  // A malformed key is refused before anything happens.
  const bad = await send(ann, stepApi(diary, "diary"), { content: "x" }, "short");
  assertEquals(bad.status, 400);
  assertEquals((await bad.json()).error, "invalid_idempotency_key");
});

Deno.test("offline: another user's identical key is separate", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, { days: [DAY] });
  const ann = await signIn(t, "ann");
  const bob = await signIn(t, "bob");
  const [annPractice] = await openDayAs(t, ann, c);
  const [bobPractice] = await openDayAs(t, bob, c);
  const key = "shared-key-0001";
  const a = await send(ann, stepApi(annPractice, "complete"), {}, key);
  assertEquals(a.status, 200);
  // Bob's request with Ann's key runs for Bob: not Ann's stored answer.
  const b = await send(bob, stepApi(bobPractice, "complete"), {}, key);
  assertEquals(b.status, 200);
  assertEquals(b.headers.get("idempotency-replayed"), null);
  const bBody = await b.json();
  assertEquals(bBody.step.id, bobPractice);
  assertEquals((await stepRow(t, bobPractice)).status, "COMPLETED");
  // Replaying the key (the same URL: steps are addressed by place) answers Bob's own result.
  const probe = await send(bob, stepApi(annPractice, "complete"), {}, key);
  assertEquals(probe.headers.get("idempotency-replayed"), "true");
  assertEquals((await probe.json()).step.id, bobPractice, "never Ann's answer");
  assertEquals(
    (await t.services.db.selectFrom("idempotency_keys").select("user_id").execute()).length,
    2,
  );
});

Deno.test("offline: a step completed on two devices is completed once", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, { days: [DAY] });
  const ann = await signIn(t, "ann");
  const [practice] = await openDayAs(t, ann, c);
  const [phone, tablet] = await Promise.all([
    send(ann, stepApi(practice, "complete"), {}, crypto.randomUUID()),
    send(ann, stepApi(practice, "complete"), {}, crypto.randomUUID()),
  ]);
  assertEquals([phone.status, tablet.status], [200, 200], "the second is a no-op success");
  const bodies = [await phone.json(), await tablet.json()];
  assertEquals(bodies.map((b) => b.step.status), ["COMPLETED", "COMPLETED"]);
  assertEquals(bodies.filter((b) => b.day !== null).length, 1, "one of them changed the day");
  const row = await stepRow(t, practice);
  assertEquals(row.status, "COMPLETED");
  assertEquals(await dayStatus(t, ann.id, c.days[0].dayOnCourseId), "IN_PROGRESS");
});

Deno.test("offline: a diary entry sent twice is saved once", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, { days: [DAY] });
  const ann = await signIn(t, "ann");
  const [, diary] = await openDayAs(t, ann, c);
  const key = crypto.randomUUID();
  const at = new Date(Date.now() - 10 * 60_000).toISOString();
  const body = { content: "Сидит 30 секунд", at };
  const [a, b] = [
    await send(ann, stepApi(diary, "diary"), body, key),
    await send(ann, stepApi(diary, "diary"), body, key),
  ];
  assertEquals([a.status, b.status], [200, 200]);
  assertEquals(await a.json(), await b.json());
  const entries = await t.services.db.selectFrom("diary_entries").selectAll().execute();
  assertEquals(entries.length, 1);
  const row = await stepRow(t, diary);
  assertEquals(row.status, "COMPLETED");
  assertEquals(row.completed_at?.toISOString(), at, "completed when it was written");
});

Deno.test("offline: a refusal is stored too: its replay is refused the same way", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, { days: [{ steps: [{ type: "TRAINING", durationSec: 60 }] }] });
  const ann = await signIn(t, "ann");
  const [timer] = await openDayAs(t, ann, c);
  const key = crypto.randomUUID();
  const early = await send(ann, stepApi(timer, "complete"), {}, key);
  assertEquals(early.status, 409);
  const again = await send(ann, stepApi(timer, "complete"), {}, key);
  assertEquals(again.status, 409);
  assertEquals(again.headers.get("idempotency-replayed"), "true");
  assertEquals((await again.json()).error, (await early.json()).error);
});

Deno.test("offline: keys older than a week are pruned", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, { days: [DAY] });
  const ann = await signIn(t, "ann");
  const [practice] = await openDayAs(t, ann, c);
  await send(ann, stepApi(practice, "complete"), {}, "old-key-0001");
  await send(ann, stepApi(practice, "complete"), {}, "new-key-0001");
  await t.services.db.updateTable("idempotency_keys")
    .set({ created_at: new Date(Date.now() - 8 * 24 * 3600_000) })
    .where("key", "=", "old-key-0001").execute();
  assertEquals(await pruneIdempotencyKeys(t.services), 1);
  const left = await t.services.db.selectFrom("idempotency_keys").select("key").execute();
  assertEquals(left.map((r) => r.key), ["new-key-0001"]);
});

Deno.test("offline: a key in use answers 'retry'; a released or stale claim runs again", async () => {
  await using t = await openTestApp();
  const ann = await signIn(t, "ann");
  const s = t.services;
  assertEquals((await claimKey(s, ann.id, "claim-key-01", "h1")).kind, "run");
  // The first request still runs: a replay is asked to retry, not run twice.
  const busy = await claimKey(s, ann.id, "claim-key-01", "h1").catch((e) => e);
  assert(busy instanceof AppError);
  assertEquals([busy.status, busy.code], [409, "idempotency_in_progress"]);
  // A server error gives the key up: the retry runs.
  await releaseKey(s, ann.id, "claim-key-01");
  assertEquals((await claimKey(s, ann.id, "claim-key-01", "h1")).kind, "run");
  // A process that died while holding it: taken over once the claim is stale.
  await s.db.updateTable("idempotency_keys")
    .set({ locked_at: new Date(Date.now() - STALE_CLAIM_MS - 1000) }).execute();
  assertEquals((await claimKey(s, ann.id, "claim-key-01", "h1")).kind, "run");
  await storeAnswer(s, ann.id, "claim-key-01", 200, { ok: true });
  assertEquals(await claimKey(s, ann.id, "claim-key-01", "h1"), {
    kind: "replay",
    status: 200,
    body: { ok: true },
  });
});
