/**
 * "Download my data" on /settings: one zip with the learner's rows as JSON
 * and their own files, and nothing of anyone else's.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { type Session, signIn } from "../helpers/session.ts";
import { unzipSync } from "fflate";
import { settingsDataExportPath } from "@/core/paths.ts";
import { newId } from "@/platform/ids.ts";

/** A learner with a pet and its photo, a diary entry, a review, a notification and an exam video. */
async function learnerWithData(
  t: TestApp,
  who: Session,
  tag: string,
  courseId: string,
  dayId: string,
) {
  const db = t.services.db;
  const petId = newId();
  const photo = `users/${who.id}/pets/${petId}/${tag}.jpg`;
  await t.services.storage.put(photo, new TextEncoder().encode(`photo of ${tag}`), {
    contentType: "image/jpeg",
  });
  await db.insertInto("pets").values({
    id: petId,
    owner_id: who.id,
    name: `Pet ${tag}`,
    photo_key: photo,
  })
    .execute();
  await db.insertInto("diary_entries").values({
    id: newId(),
    user_id: who.id,
    day_id: dayId,
    content: `Diary of ${tag}`,
  }).execute();
  await db.insertInto("course_reviews").values({
    id: newId(),
    course_id: courseId,
    user_id: who.id,
    rating: 5,
    comment: `Review by ${tag}`,
  }).execute();
  await db.insertInto("notifications").values({
    id: newId(),
    user_id: who.id,
    kind: "test",
    title: `Note for ${tag}`,
  }).execute();
  const video = `exams/${who.id}/${newId()}/${tag}.mp4`;
  await t.services.storage.put(video, new TextEncoder().encode(`video of ${tag}`), {
    contentType: "video/mp4",
  });
  return { photo, video };
}

Deno.test("a learner downloads a zip of their own data and files, and nothing of another user's", async () => {
  await using t = await openTestApp();
  const trainer = await signIn(t, "exp_trainer", "TRAINER");
  const courseId = newId();
  await t.services.db.insertInto("courses").values({
    id: courseId,
    slug: "exp-course",
    name: "Export course",
    author_id: trainer.id,
    published_at: new Date(),
  }).execute();
  const dayId = newId();
  await t.services.db.insertInto("training_days").values({
    id: dayId,
    title: "Day",
    author_id: trainer.id,
  })
    .execute();
  const me = await signIn(t, "exp_me");
  const other = await signIn(t, "exp_other");
  const mine = await learnerWithData(t, me, "mine", courseId, dayId);
  const theirs = await learnerWithData(t, other, "theirs", courseId, dayId);

  // The settings page offers it as a POST form.
  const settings = await (await me.fetch("/settings")).text();
  assertStringIncludes(settings, `action="${settingsDataExportPath()}"`);
  assertStringIncludes(settings, "Скачать мои данные");

  const res = await me.post(settingsDataExportPath(), {});
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "application/zip");
  assertStringIncludes(res.headers.get("content-disposition") ?? "", 'filename="gafus-exp_me-');
  const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
  const names = Object.keys(files).sort();
  assertEquals(names, ["data.json", `files/${mine.video}`, `files/${mine.photo}`].sort());
  assertEquals(new TextDecoder().decode(files[`files/${mine.photo}`]), "photo of mine");

  const data = JSON.parse(new TextDecoder().decode(files["data.json"]));
  assertEquals(data.account.username, "exp_me");
  assert(!("password_hash" in data.account), "no password hash");
  assertEquals(data.pets.map((p: { name: string }) => p.name), ["Pet mine"]);
  assertEquals(data.diary.map((d: { content: string }) => d.content), ["Diary of mine"]);
  assertEquals(data.reviews.map((r: { comment: string }) => r.comment), ["Review by mine"]);
  assertEquals(data.notifications.map((n: { title: string }) => n.title), ["Note for mine"]);
  for (const key of ["progress", "exams", "profile"]) assert(key in data, key);

  const whole = new TextDecoder().decode(files["data.json"]);
  for (const foreign of ["theirs", other.id, theirs.photo]) {
    assert(!whole.includes(foreign), `nothing of the other user (${foreign})`);
  }
});

Deno.test("the data export needs a signed-in user and the CSRF token", async () => {
  await using t = await openTestApp();
  const anon = await t.fetch(settingsDataExportPath(), { method: "POST" });
  assert([302, 303, 403].includes(anon.status), String(anon.status));
  await anon.body?.cancel();
  const me = await signIn(t, "exp_csrf");
  const noToken = await t.fetch(settingsDataExportPath(), {
    method: "POST",
    headers: me.headers({ origin: "http://localhost:8000" }),
  });
  assertEquals(noToken.status, 403);
  await noToken.body?.cancel();
});

Deno.test("the archive downloads at most 3 times an hour per user: then 429, Retry-After and why, in the user's language", async () => {
  await using t = await openTestApp();
  const me = await signIn(t, "exp_often");
  const settings = await (await me.fetch("/settings")).text();
  assertStringIncludes(settings, "Не чаще 3\u00a0раз в\u00a0час.");
  for (let i = 0; i < 3; i++) {
    const ok = await me.post(settingsDataExportPath(), {});
    assertEquals(ok.status, 200, `download ${i + 1}`);
    await ok.arrayBuffer();
  }
  const refused = await me.post(settingsDataExportPath(), {});
  assertEquals(refused.status, 429);
  const wait = Number(refused.headers.get("retry-after"));
  assert(wait >= 1 && wait <= 3600, `Retry-After ${wait}`);
  assertEquals(refused.headers.get("content-type")?.startsWith("application/zip"), false);
  const page = await refused.text();
  assertStringIncludes(page, "Архив можно скачать не больше 3\u00a0раз в\u00a0час.");
  assertStringIncludes(page, "Попробуйте снова через");

  // The same refusal in English for an English reader; another user is not affected.
  await t.services.db.updateTable("users").set({ locale: "en" }).where("id", "=", me.id)
    .execute();
  const en = await me.post(settingsDataExportPath(), {});
  assertEquals(en.status, 429);
  assertStringIncludes(
    await en.text(),
    "You can download the archive at most 3\u00a0times an hour.",
  );
  const other = await signIn(t, "exp_other_user");
  const theirs = await other.post(settingsDataExportPath(), {});
  assertEquals(theirs.status, 200);
  await theirs.arrayBuffer();
});
