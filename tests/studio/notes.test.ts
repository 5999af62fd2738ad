/**
 * Notes to learners (/studio/notes): a trainer writes a note about two of
 * their learners with entries; an entry marked visible shows on those
 * learners' profiles only; a note about someone who is not the trainer's
 * learner is refused with a field message (what was typed kept); who may
 * read and change a note.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { type Session, signIn } from "../helpers/session.ts";
import { newId } from "@/platform/ids.ts";
import { studioNewNotePath, studioNotePath, studioNotesPath } from "@/core/paths.ts";
import { makeCourse } from "../training/helpers.ts";

function post(who: Session, path: string, fields: Record<string, string>, lang?: "ru" | "en") {
  return who.fetch(path, {
    method: "POST",
    redirect: "manual",
    body: new URLSearchParams({ ...fields, _csrf: who.csrf }),
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(lang ? { cookie: `lang=${lang}` } : {}),
    },
  });
}

async function html(who: Session, path: string): Promise<{ status: number; text: string }> {
  const res = await who.fetch(path);
  return { status: res.status, text: await res.text() };
}

/** coach_a with two learners: one with progress on a course, one with access to a private one. */
async function setup(t: TestApp) {
  const open = await makeCourse(t, {
    author: "coach_a",
    days: [{ steps: [{ type: "THEORY" }] }],
  });
  const closed = await makeCourse(t, {
    author: "coach_a",
    access: "PRIVATE",
    days: [{ steps: [{ type: "THEORY" }] }],
  });
  const a = await signIn(t, "coach_a");
  const b = await signIn(t, "coach_b", "TRAINER");
  const ivan = await signIn(t, "ivan");
  const maria = await signIn(t, "maria");
  const stranger = await signIn(t, "stranger");
  await t.services.db.insertInto("user_courses")
    .values({ user_id: ivan.id, course_id: open.courseId, started_at: new Date() }).execute();
  await t.services.db.insertInto("course_access")
    .values({ course_id: closed.courseId, user_id: maria.id, granted_by: a.id }).execute();
  return { a, b, ivan, maria, stranger };
}

async function createNote(who: Session, fields: Record<string, string>): Promise<string> {
  const res = await post(who, studioNewNotePath(), fields);
  assertEquals(res.status, 303, await res.text());
  const id = /\/studio\/notes\/([^?]+)/.exec(res.headers.get("location") ?? "")?.[1];
  assert(id, "redirected to the new note");
  return id;
}

const entriesOn = (text: string) => [...text.matchAll(/data-trainer-note="([^"]+)"/g)].length;

Deno.test("a note about two learners: an entry marked visible shows on their profiles only, newest first, with the trainer's name", async () => {
  await using t = await openTestApp();
  const { a, b, ivan, maria, stranger } = await setup(t);
  const id = await createNote(a, {
    title: "Реактивность на поводке",
    tags: "поводок, Реактивность",
    learners: "ivan, maria",
    body: "Первое наблюдение: тянет к собакам.",
  });
  const path = studioNotePath(id);
  const note = await html(a, path);
  assertEquals(note.status, 200);
  assertStringIncludes(note.text, "Первое наблюдение");
  assertStringIncludes(note.text, "#поводок #реактивность");
  assertStringIncludes(note.text, "ivan, maria");
  assertStringIncludes((await html(a, studioNotesPath())).text, path);

  // Not visible yet: nobody sees it on a profile.
  for (const who of [ivan, maria]) assertEquals(entriesOn((await html(who, "/profile")).text), 0);

  const added = await post(a, path, {
    _action: "entry",
    body: "Домашнее задание: **10 минут** фокуса в день.",
    visible: "on",
  });
  assertEquals(added.status, 303);
  await added.body?.cancel();
  const later = await post(a, path, { _action: "entry", body: "Ещё одна, скрытая." });
  assertEquals(later.status, 303);
  await later.body?.cancel();

  for (const who of [ivan, maria]) {
    const profile = (await html(who, "/profile")).text;
    assertEquals(entriesOn(profile), 1, who.username);
    assertStringIncludes(profile, "<strong>10 минут</strong>");
    assertStringIncludes(profile, "coach_a,");
    assert(!profile.includes("Первое наблюдение"), "hidden entries stay hidden");
    assert(!profile.includes("Ещё одна, скрытая"));
  }
  for (const who of [stranger, b, a]) {
    assertEquals(entriesOn((await html(who, "/profile")).text), 0, who.username);
  }

  // Show the first entry too: the newest comes first; hide it again.
  const firstId = (await t.services.db.selectFrom("learner_note_entries").select("id")
    .where("note_id", "=", id).where("body", "like", "Первое%").executeTakeFirstOrThrow()).id;
  await t.services.db.updateTable("learner_note_entries")
    .set({ created_at: new Date(Date.now() - 86400_000) }).where("id", "=", firstId).execute();
  const shown = await post(a, path, { _action: "visibility", entryId: firstId, visible: "on" });
  assertStringIncludes(shown.headers.get("location") ?? "", "done=shown");
  const profile = (await html(ivan, "/profile")).text;
  assertEquals(entriesOn(profile), 2);
  assert(profile.indexOf("10 минут") < profile.indexOf("Первое наблюдение"), "newest first");
  await post(a, path, { _action: "visibility", entryId: firstId, visible: "" });
  assertEquals(entriesOn((await html(ivan, "/profile")).text), 1);

  // Taking maria off the note takes the entries off her profile.
  const saved = await post(a, path, { _action: "save", title: "Реактивность", learners: "ivan" });
  assertEquals(saved.status, 303);
  assertEquals(entriesOn((await html(maria, "/profile")).text), 0);
  assertEquals(entriesOn((await html(ivan, "/profile")).text), 1);
});

Deno.test("a note about someone who is not the trainer's learner is refused with a field message, what was typed kept", async () => {
  await using t = await openTestApp();
  const { a } = await setup(t);
  const fields = { title: "Чужой", learners: "ivan, stranger, nobody_here", body: "Текст записи" };
  const ru = await post(a, studioNewNotePath(), fields);
  assertEquals(ru.status, 422);
  const text = await ru.text();
  assertStringIncludes(text, "Это не ваши ученики: stranger, nobody_here.");
  assertStringIncludes(text, 'aria-invalid="true"');
  assertStringIncludes(text, "ivan, stranger, nobody_here</textarea>");
  assertStringIncludes(text, "Текст записи</textarea>");
  assertStringIncludes(text, 'value="Чужой"');

  const en = await post(a, studioNewNotePath(), fields, "en");
  assertEquals(en.status, 422);
  assertStringIncludes(await en.text(), "Not your learners: stranger, nobody_here.");

  const empty = await post(a, studioNewNotePath(), { title: "", learners: "" }, "en");
  assertEquals(empty.status, 422);
  assertStringIncludes(await empty.text(), "Name at least one learner.");
  assertEquals(
    (await t.services.db.selectFrom("learner_notes").select("id").execute()).length,
    0,
  );

  // The same rule when a note is changed.
  const id = await createNote(a, { title: "Свой", learners: "ivan" });
  const edit = await post(a, studioNotePath(id), {
    _action: "save",
    title: "Свой",
    learners: "ivan, stranger",
  });
  assertEquals(edit.status, 422);
  assertStringIncludes(await edit.text(), "Это не ваши ученики: stranger.");
  // An empty entry is refused on the same page.
  const blank = await post(a, studioNotePath(id), { _action: "entry", body: "  " });
  assertEquals(blank.status, 422);
  await blank.body?.cancel();
});

Deno.test("notes: another trainer gets 404, staff can, a learner 403, a visitor goes to login", async () => {
  await using t = await openTestApp();
  const { a, b, ivan } = await setup(t);
  const moder = await signIn(t, "moder", "MODERATOR");
  const id = await createNote(a, { title: "Заметка A", learners: "ivan", body: "Секрет" });
  const path = studioNotePath(id);

  assertEquals((await html(b, path)).status, 404);
  assert(!(await html(b, studioNotesPath())).text.includes(path));
  for (
    const fields of [
      { _action: "entry", body: "Взлом", visible: "on" } as Record<string, string>,
      { _action: "save", title: "Взлом", learners: "ivan" },
      { _action: "delete" },
    ]
  ) {
    const res = await post(b, path, fields);
    assertEquals(res.status, 404, fields._action);
    await res.body?.cancel();
  }
  // B cannot write about A's learner either.
  const bNote = await post(b, studioNewNotePath(), { title: "B", learners: "ivan" });
  assertEquals(bNote.status, 422);
  await bNote.body?.cancel();
  assertEquals((await html(a, studioNotePath(newId()))).status, 404);

  assertEquals((await html(moder, path)).status, 200);
  assertStringIncludes((await html(moder, studioNotesPath())).text, path);

  for (const p of [path, studioNotesPath(), studioNewNotePath()]) {
    assertEquals((await html(ivan, p)).status, 403, p);
  }
  const visitor = await t.fetch(path, { redirect: "manual" });
  await visitor.body?.cancel();
  assertEquals(visitor.status, 303);
  assertStringIncludes(visitor.headers.get("location") ?? "", "/login");

  // The author deletes the note.
  const del = await post(a, path, { _action: "delete" });
  assertEquals(del.status, 303);
  assertEquals((await html(a, path)).status, 404);
});
